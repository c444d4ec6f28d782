package dev.whispem.minikv.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetadataCommandTest {

    private static ClusterMap threeVolumes() {
        ClusterMap map = new MetadataCommand.Initialize(4, 3).applyTo(ClusterMap.empty());
        for (String v : List.of("v1", "v2", "v3", "v4")) {
            map = new MetadataCommand.RegisterVolume(v, v + ":8080", v + ":9872").applyTo(map);
        }
        return new MetadataCommand.Assign(0, List.of("v1", "v2", "v3")).applyTo(map);
    }

    @Test
    void everyChangeBumpsTheEpochAndRepeatsChangeNothing() {
        ClusterMap map = threeVolumes();
        long epoch = map.epoch();
        ClusterMap again = new MetadataCommand.Assign(0, List.of("v1", "v2", "v3")).applyTo(map);
        assertThat(again).isSameAs(map);
        ClusterMap drained = new MetadataCommand.DrainVolume("v1").applyTo(map);
        assertThat(drained.epoch()).isEqualTo(epoch + 1);
        assertThat(new MetadataCommand.DrainVolume("v1").applyTo(drained)).isSameAs(drained);
        assertThat(new MetadataCommand.Initialize(8, 5).applyTo(map)).isSameAs(map);
    }

    @Test
    void aMoveStartsOnceAndFinishesOnlyAtItsTarget() {
        ClusterMap map = threeVolumes();
        List<String> target = List.of("v1", "v2", "v4");
        ClusterMap moving = new MetadataCommand.StartMove(0, target).applyTo(map);
        assertThat(moving.groups().get(0).hostedBy("v4")).isTrue();
        assertThat(moving.groups().get(0).hostedBy("v3")).isTrue();
        assertThat(moving.movesInFlight()).isEqualTo(1);
        assertThatThrownBy(
                        () ->
                                new MetadataCommand.StartMove(0, List.of("v1", "v3", "v4"))
                                        .applyTo(moving))
                .isInstanceOf(MetadataCommand.Rejected.class)
                .hasMessageContaining("already moving");
        assertThatThrownBy(
                        () ->
                                new MetadataCommand.FinishMove(0, List.of("v2", "v3", "v4"))
                                        .applyTo(moving))
                .isInstanceOf(MetadataCommand.Rejected.class);
        ClusterMap done = new MetadataCommand.FinishMove(0, target).applyTo(moving);
        assertThat(done.groups().get(0).replicas()).isEqualTo(target);
        assertThat(done.groups().get(0).hostedBy("v3")).isFalse();
        assertThat(new MetadataCommand.FinishMove(0, target).applyTo(done)).isSameAs(done);
    }

    @Test
    void invalidCommandsAreRejectedAndChangeNothing() {
        ClusterMap map = threeVolumes();
        assertThatThrownBy(
                        () -> new MetadataCommand.Assign(1, List.of("v1", "v1", "v2")).applyTo(map))
                .isInstanceOf(MetadataCommand.Rejected.class);
        assertThatThrownBy(
                        () -> new MetadataCommand.Assign(1, List.of("v1", "v9", "v2")).applyTo(map))
                .hasMessageContaining("no volume server v9");
        assertThatThrownBy(() -> new MetadataCommand.Assign(7, List.of("v1")).applyTo(map))
                .hasMessageContaining("no group 7");
        assertThatThrownBy(
                        () -> new MetadataCommand.Assign(0, List.of("v2", "v3", "v4")).applyTo(map))
                .hasMessageContaining("already assigned");
        assertThatThrownBy(() -> new MetadataCommand.RemoveVolume("v1").applyTo(map))
                .hasMessageContaining("still holds 1 groups");
        assertThatThrownBy(() -> new MetadataCommand.DrainVolume("v9").applyTo(map))
                .hasMessageContaining("no volume server v9");
        assertThat(new MetadataCommand.RemoveVolume("v4").applyTo(map).volumes())
                .doesNotContainKey("v4");
    }

    @Test
    void commandsAndMapsRoundTripThroughJson() throws Exception {
        ClusterMap map =
                new MetadataCommand.StartMove(0, List.of("v1", "v2", "v4")).applyTo(threeVolumes());
        String json = MetadataStateMachine.json(map);
        assertThat(MetadataStateMachine.JSON.readValue(json, ClusterMap.class)).isEqualTo(map);
        MetadataCommand c =
                new MetadataCommand.PutCoordinator(
                        new ClusterMap.Coordinator("c1", "h:1", "h:2", true));
        assertThat(
                        MetadataStateMachine.JSON.readValue(
                                MetadataStateMachine.json(c), MetadataCommand.class))
                .isEqualTo(c);
    }

    @Test
    void cancellingADrainKeepsTheReplicasAndRepeatsChangeNothing() throws Exception {
        ClusterMap map = threeVolumes();
        assertThat(new MetadataCommand.CancelDrain("v2").applyTo(map)).isSameAs(map);
        ClusterMap draining = new MetadataCommand.DrainVolume("v2").applyTo(map);
        ClusterMap cancelled = new MetadataCommand.CancelDrain("v2").applyTo(draining);
        assertThat(cancelled.epoch()).isEqualTo(draining.epoch() + 1);
        assertThat(cancelled.volumes().get("v2").draining()).isFalse();
        assertThat(cancelled.volumes().get("v2").raft()).isEqualTo("v2:9872");
        assertThat(cancelled.groupsOf("v2")).isEqualTo(map.groupsOf("v2")).isNotEmpty();
        assertThat(new MetadataCommand.CancelDrain("v2").applyTo(cancelled)).isSameAs(cancelled);
        assertThatThrownBy(() -> new MetadataCommand.CancelDrain("v9").applyTo(map))
                .isInstanceOf(MetadataCommand.Rejected.class)
                .hasMessageContaining("no volume server v9");
        MetadataCommand c = new MetadataCommand.CancelDrain("v2");
        String json = MetadataStateMachine.json(c);
        assertThat(json).contains("\"type\":\"cancel-drain\"");
        assertThat(MetadataStateMachine.JSON.readValue(json, MetadataCommand.class)).isEqualTo(c);
    }

    @Test
    void aMoveGetsAnotherNewMemberAndOnlyTheNewTargetFinishes() throws Exception {
        ClusterMap map =
                new MetadataCommand.RegisterVolume("v5", "v5:8080", "v5:9872")
                        .applyTo(threeVolumes());
        List<String> target = List.of("v1", "v2", "v4");
        ClusterMap moving = new MetadataCommand.StartMove(0, target).applyTo(map);
        ClusterMap retargeted = new MetadataCommand.RetargetMove(0, "v4", "v5").applyTo(moving);
        assertThat(retargeted.groups().get(0).target()).containsExactly("v1", "v2", "v5");
        assertThat(retargeted.groups().get(0).replicas()).containsExactly("v1", "v2", "v3");
        assertThat(retargeted.groupsOf("v4")).isEmpty();
        assertThat(retargeted.epoch()).isEqualTo(moving.epoch() + 1);
        assertThatThrownBy(() -> new MetadataCommand.FinishMove(0, target).applyTo(retargeted))
                .isInstanceOf(MetadataCommand.Rejected.class);
        // Only a new member of a move under way can be replaced, and never by a member.
        assertThatThrownBy(() -> new MetadataCommand.RetargetMove(0, "v4", "v5").applyTo(map))
                .isInstanceOf(MetadataCommand.Rejected.class)
                .hasMessageContaining("no move under way");
        assertThatThrownBy(() -> new MetadataCommand.RetargetMove(0, "v1", "v5").applyTo(moving))
                .isInstanceOf(MetadataCommand.Rejected.class);
        assertThatThrownBy(() -> new MetadataCommand.RetargetMove(0, "v4", "v3").applyTo(moving))
                .isInstanceOf(MetadataCommand.Rejected.class)
                .hasMessageContaining("already has v3");
        assertThatThrownBy(() -> new MetadataCommand.RetargetMove(0, "v4", "v9").applyTo(moving))
                .isInstanceOf(MetadataCommand.Rejected.class)
                .hasMessageContaining("no volume server v9");
        assertThat(
                        new MetadataCommand.FinishMove(0, List.of("v1", "v2", "v5"))
                                .applyTo(retargeted)
                                .groups()
                                .get(0)
                                .replicas())
                .containsExactly("v1", "v2", "v5");
        MetadataCommand c = new MetadataCommand.RetargetMove(0, "v4", "v5");
        String json = MetadataStateMachine.json(c);
        assertThat(json).contains("\"type\":\"retarget-move\"");
        assertThat(MetadataStateMachine.JSON.readValue(json, MetadataCommand.class)).isEqualTo(c);
    }

    @Test
    void reregisteringAVolumeKeepsItDraining() {
        ClusterMap map = new MetadataCommand.DrainVolume("v2").applyTo(threeVolumes());
        ClusterMap moved =
                new MetadataCommand.RegisterVolume("v2", "new:8080", "new:9872").applyTo(map);
        assertThat(moved.volumes().get("v2").draining()).isTrue();
        assertThat(moved.volumes().get("v2").raft()).isEqualTo("new:9872");
    }
}
