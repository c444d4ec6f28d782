package dev.whispem.minikv.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A volume server hosts nothing while its group count disagrees with the cluster's map. */
class VolumeAgentGroupCountTest {

    private final ClusterMap eightGroups =
            new MetadataCommand.Initialize(8, 3).applyTo(ClusterMap.empty());

    @Test
    void theSameCountIsNoMismatch() {
        assertThat(VolumeAgent.groupCountMismatch(eightGroups, 8)).isNull();
    }

    @Test
    void anotherCountIsReportedWithBothNumbersAndTheSetting() {
        assertThat(VolumeAgent.groupCountMismatch(eightGroups, 4))
                .contains("8 groups")
                .contains("minikv.replication.groups=4")
                .contains("hosts nothing");
    }

    @Test
    void coordinatorsAdmitOnlyAMatchingOrUnreportedCount() {
        VolumeReport four =
                new VolumeReport(
                        "v9", "h:1", "h:2", java.util.List.of(), 0, 4, java.util.List.of());
        VolumeReport eight =
                new VolumeReport(
                        "v9", "h:1", "h:2", java.util.List.of(), 0, 8, java.util.List.of());
        VolumeReport older =
                new VolumeReport(
                        "v9", "h:1", "h:2", java.util.List.of(), 0, 0, java.util.List.of());
        assertThat(CoordinatorService.admits(eightGroups, four)).isFalse();
        assertThat(CoordinatorService.admits(eightGroups, eight)).isTrue();
        assertThat(CoordinatorService.admits(eightGroups, older)).isTrue();
        assertThat(CoordinatorService.admits(ClusterMap.empty(), four)).isTrue();
    }
}
