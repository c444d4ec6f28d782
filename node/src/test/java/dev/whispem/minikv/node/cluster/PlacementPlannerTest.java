package dev.whispem.minikv.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlacementPlannerTest {

    private final PlacementPlanner planner = new PlacementPlanner(1);

    private static ClusterMap cluster(int groups, int rf, String... volumes) {
        ClusterMap map = new MetadataCommand.Initialize(groups, rf).applyTo(ClusterMap.empty());
        for (String v : volumes) {
            map = new MetadataCommand.RegisterVolume(v, v + ":8080", v + ":9872").applyTo(map);
        }
        return map;
    }

    /** Applies the plan, then finishes every move, until the planner has nothing more to do. */
    private ClusterMap settle(ClusterMap map, Set<String> live, Set<String> dead) {
        for (int round = 0; round < 100; round++) {
            List<MetadataCommand> plan = planner.plan(map, live, dead, Map.of());
            if (plan.isEmpty() && map.movesInFlight() == 0) {
                return map;
            }
            for (MetadataCommand c : plan) {
                map = c.applyTo(map);
            }
            for (int g = 0; g < map.groups().size(); g++) {
                ClusterMap.Placement p = map.groups().get(g);
                if (p.moving()) {
                    map = new MetadataCommand.FinishMove(g, p.target()).applyTo(map);
                }
            }
        }
        throw new AssertionError("placement did not settle: " + map);
    }

    private static Map<String, Integer> counts(ClusterMap map) {
        Map<String, Integer> out = new HashMap<>();
        map.volumes().keySet().forEach(v -> out.put(v, map.groupsOf(v).size()));
        return out;
    }

    @Test
    void waitsForEnoughVolumesBeforeAssigning() {
        ClusterMap map = cluster(8, 3, "v1", "v2");
        assertThat(planner.plan(map, Set.of("v1", "v2"), Set.of(), Map.of())).isEmpty();
    }

    @Test
    void assignsEveryGroupToDistinctReplicasEvenly() {
        ClusterMap map =
                settle(
                        cluster(8, 3, "v1", "v2", "v3", "v4"),
                        Set.of("v1", "v2", "v3", "v4"),
                        Set.of());
        for (ClusterMap.Placement p : map.groups()) {
            assertThat(p.replicas()).hasSize(3).doesNotHaveDuplicates();
        }
        assertThat(counts(map).values()).allMatch(n -> n == 6);
    }

    @Test
    void rebalancesOntoANewVolumeOneReplicaAtATime() {
        Set<String> three = Set.of("v1", "v2", "v3");
        ClusterMap map = settle(cluster(8, 3, "v1", "v2", "v3"), three, Set.of());
        map = new MetadataCommand.RegisterVolume("v4", "v4:8080", "v4:9872").applyTo(map);
        List<MetadataCommand> first =
                planner.plan(map, Set.of("v1", "v2", "v3", "v4"), Set.of(), Map.of());
        assertThat(first).hasSize(1).first().isInstanceOf(MetadataCommand.StartMove.class);
        map = settle(map, Set.of("v1", "v2", "v3", "v4"), Set.of());
        assertThat(counts(map)).containsEntry("v4", 6).containsEntry("v1", 6);
    }

    @Test
    void drainMovesEveryReplicaAwayAndNeverBelowReplicationFactor() {
        Set<String> live = Set.of("v1", "v2", "v3", "v4");
        ClusterMap map = settle(cluster(8, 3, "v1", "v2", "v3", "v4"), live, Set.of());
        map = new MetadataCommand.DrainVolume("v2").applyTo(map);
        map = settle(map, live, Set.of());
        assertThat(map.groupsOf("v2")).isEmpty();
        assertThat(map.groups())
                .allMatch(p -> p.replicas().size() == 3 && !p.replicas().contains("v2"));
        assertThat(new MetadataCommand.RemoveVolume("v2").applyTo(map).volumes())
                .doesNotContainKey("v2");
    }

    @Test
    void aCancelledDrainStopsAfterTheMoveUnderWay() {
        Set<String> live = Set.of("v1", "v2", "v3", "v4");
        ClusterMap map = settle(cluster(8, 3, "v1", "v2", "v3", "v4"), live, Set.of());
        int before = map.groupsOf("v2").size();
        map = new MetadataCommand.DrainVolume("v2").applyTo(map);
        for (MetadataCommand c : planner.plan(map, live, Set.of(), Map.of())) {
            map = c.applyTo(map);
        }
        assertThat(map.movesInFlight()).isEqualTo(1);
        map = new MetadataCommand.CancelDrain("v2").applyTo(map);
        map = settle(map, live, Set.of());
        // The move under way finished; nothing else left, and the balancer evened counts out.
        assertThat(map.volumes().get("v2").draining()).isFalse();
        assertThat(map.groupsOf("v2")).hasSizeBetween(before - 1, before);
        assertThat(counts(map).values()).allMatch(n -> n >= 5 && n <= 7);
    }

    @Test
    void aGroupNeverMovesBackToAServerStillHoldingItsOldReplica() {
        Set<String> live = Set.of("v1", "v2", "v3", "v4");
        ClusterMap map = settle(cluster(4, 3, "v1", "v2", "v3", "v4"), live, Set.of());
        Map<String, List<Integer>> hosted = new HashMap<>();
        live.forEach(v -> hosted.put(v, map.groupsOf(v)));
        // A drain moves one group off v2 and is cancelled; v2 has not dropped its replica yet.
        ClusterMap next = new MetadataCommand.DrainVolume("v2").applyTo(map);
        MetadataCommand.StartMove away =
                (MetadataCommand.StartMove) planner.plan(next, live, Set.of(), hosted).getFirst();
        next = away.applyTo(next);
        next = new MetadataCommand.FinishMove(away.group(), away.target()).applyTo(next);
        next = new MetadataCommand.CancelDrain("v2").applyTo(next);
        assertThat(next.groupsOf("v2")).doesNotContain(away.group());
        assertThat(hosted.get("v2")).contains(away.group());

        List<MetadataCommand> whileHeld = planner.plan(next, live, Set.of(), hosted);
        assertThat(whileHeld)
                .noneMatch(
                        c ->
                                c instanceof MetadataCommand.StartMove m
                                        && m.group() == away.group()
                                        && m.target().contains("v2"));

        // Once v2 reports the replica dropped, the group may go back to it.
        hosted.put("v2", next.groupsOf("v2"));
        List<MetadataCommand> afterDrop = planner.plan(next, live, Set.of(), hosted);
        assertThat(afterDrop)
                .anyMatch(
                        c -> c instanceof MetadataCommand.StartMove m && m.target().contains("v2"));
    }

    @Test
    void aMoveWhoseNewMemberDiesGetsAnotherOne() {
        Set<String> three = Set.of("v1", "v2", "v3");
        ClusterMap map = settle(cluster(4, 3, "v1", "v2", "v3"), three, Set.of());
        map = new MetadataCommand.RegisterVolume("v4", "v4:8080", "v4:9872").applyTo(map);
        Set<String> four = Set.of("v1", "v2", "v3", "v4");
        MetadataCommand.StartMove toV4 =
                (MetadataCommand.StartMove) planner.plan(map, four, Set.of(), Map.of()).getFirst();
        assertThat(toV4.target()).contains("v4");
        ClusterMap moving = toV4.applyTo(map);
        moving = new MetadataCommand.RegisterVolume("v5", "v5:8080", "v5:9872").applyTo(moving);
        Set<String> v4Gone = Set.of("v1", "v2", "v3", "v5");

        // Merely silent: the move waits for v4 and nothing else moves (the move limit).
        assertThat(planner.plan(moving, v4Gone, Set.of(), Map.of())).isEmpty();

        // Dead: the move goes to v5 instead.
        assertThat(planner.plan(moving, v4Gone, Set.of("v4"), Map.of()))
                .containsExactly(new MetadataCommand.RetargetMove(toV4.group(), "v4", "v5"));
        ClusterMap healed = settle(moving, v4Gone, Set.of("v4"));
        assertThat(healed.groupsOf("v4")).isEmpty();
        assertThat(healed.groups()).allMatch(p -> p.replicas().size() == 3);
    }

    @Test
    void drainWithNowhereToGoWaits() {
        Set<String> live = Set.of("v1", "v2", "v3");
        ClusterMap map = settle(cluster(4, 3, "v1", "v2", "v3"), live, Set.of());
        map = new MetadataCommand.DrainVolume("v3").applyTo(map);
        assertThat(planner.plan(map, live, Set.of(), Map.of())).isEmpty();
    }

    @Test
    void deadVolumeIsReplacedButAMerelySilentOneIsNot() {
        Set<String> all = Set.of("v1", "v2", "v3", "v4");
        ClusterMap map = settle(cluster(8, 3, "v1", "v2", "v3", "v4"), all, Set.of());
        Set<String> withoutV1 = Set.of("v2", "v3", "v4");
        // Silent but within the grace period: it keeps its replicas and gets no new ones.
        assertThat(planner.plan(map, withoutV1, Set.of(), Map.of()))
                .allMatch(
                        c ->
                                !(c instanceof MetadataCommand.StartMove m)
                                        || !m.target().contains("v1"));
        ClusterMap healed = settle(map, withoutV1, Set.of("v1"));
        assertThat(healed.groupsOf("v1")).isEmpty();
        assertThat(healed.groups()).allMatch(p -> p.replicas().size() == 3);
    }

    @Test
    void respectsTheMoveLimit() {
        PlacementPlanner two = new PlacementPlanner(2);
        Set<String> live = Set.of("v1", "v2", "v3", "v4", "v5");
        ClusterMap map =
                settle(cluster(8, 3, "v1", "v2", "v3"), Set.of("v1", "v2", "v3"), Set.of());
        map = new MetadataCommand.RegisterVolume("v4", "a", "b").applyTo(map);
        map = new MetadataCommand.RegisterVolume("v5", "a", "b").applyTo(map);
        List<MetadataCommand> plan = two.plan(map, live, Set.of(), Map.of());
        assertThat(plan).hasSize(2);
        for (MetadataCommand c : plan) {
            map = c.applyTo(map);
        }
        assertThat(two.plan(map, live, Set.of(), Map.of())).isEmpty();
    }
}
