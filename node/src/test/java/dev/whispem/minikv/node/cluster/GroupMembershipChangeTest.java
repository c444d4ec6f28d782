package dev.whispem.minikv.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which moves Ratis 3.3 refuses as one membership change, so they go through the union. */
class GroupMembershipChangeTest {

    @Test
    void replacingTheOnlyReplicaGoesThroughTheUnion() {
        assertThat(GroupMembershipChange.oneStepRefused(List.of("v1"), List.of("v2"))).isTrue();
    }

    @Test
    void replacingOneOfTwoReplicasGoesThroughTheUnion() {
        assertThat(GroupMembershipChange.oneStepRefused(List.of("v1", "v2"), List.of("v2", "v3")))
                .isTrue();
    }

    @Test
    void replacingOneOfThreeReplicasIsOneStep() {
        assertThat(
                        GroupMembershipChange.oneStepRefused(
                                List.of("v1", "v2", "v3"), List.of("v1", "v2", "v4")))
                .isFalse();
    }

    @Test
    void growingOneReplicaToTwoIsOneStep() {
        assertThat(GroupMembershipChange.oneStepRefused(List.of("v1"), List.of("v1", "v2")))
                .isFalse();
    }

    @Test
    void replacingTwoOfThreeGoesThroughTheUnion() {
        assertThat(
                        GroupMembershipChange.oneStepRefused(
                                List.of("v1", "v2", "v3"), List.of("v1", "v4", "v5")))
                .isTrue();
    }
}
