package dev.whispem.minikv.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class LeaderBalancerTest {

    private static final Set<String> ALL = Set.of("v1", "v2", "v3");

    /** {@code groups} groups, each on v1, v2 and v3. */
    private static ClusterMap threeWay(int groups) {
        List<ClusterMap.Placement> placements = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            placements.add(new ClusterMap.Placement(List.of("v1", "v2", "v3"), null));
        }
        Map<String, ClusterMap.Volume> volumes = new TreeMap<>();
        for (String v : ALL) {
            volumes.put(v, new ClusterMap.Volume(v, v + ":8080", v + ":9872", false));
        }
        return new ClusterMap(1, 3, Map.of(), volumes, placements);
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> out = new ArrayList<>();
        for (int g = from; g < to; g++) {
            out.add(g);
        }
        return out;
    }

    /** Applies transfers until the balancer has none left; fails if it does not settle. */
    private static Map<String, List<Integer>> settle(
            ClusterMap map, Map<String, List<Integer>> leading, Set<String> live) {
        Map<String, List<Integer>> now = new HashMap<>();
        leading.forEach((v, gs) -> now.put(v, new ArrayList<>(gs)));
        for (int round = 0; round < 50; round++) {
            Optional<LeaderBalancer.Transfer> t = LeaderBalancer.next(map, now, live);
            if (t.isEmpty()) {
                return now;
            }
            now.get(t.get().from()).remove(Integer.valueOf(t.get().group()));
            now.computeIfAbsent(t.get().to(), v -> new ArrayList<>()).add(t.get().group());
        }
        throw new AssertionError("leadership did not settle: " + now);
    }

    @Test
    void spreadsEightGroupsLedByOneServerOverThree() {
        Map<String, List<Integer>> settled = settle(threeWay(8), Map.of("v1", range(0, 8)), ALL);

        assertThat(settled.values()).allSatisfy(gs -> assertThat(gs.size()).isBetween(2, 3));
        assertThat(settled.values().stream().mapToInt(List::size).sum()).isEqualTo(8);
    }

    @Test
    void leavesADifferenceOfOneAlone() {
        Map<String, List<Integer>> leading =
                Map.of("v1", List.of(0, 1), "v2", List.of(2), "v3", List.of(3));

        assertThat(LeaderBalancer.next(threeWay(4), leading, ALL)).isEmpty();
    }

    @Test
    void handsToTheMemberThatLeadsFewest() {
        Map<String, List<Integer>> leading =
                Map.of("v1", range(0, 4), "v2", range(4, 6), "v3", List.of());

        LeaderBalancer.Transfer t = LeaderBalancer.next(threeWay(6), leading, ALL).orElseThrow();

        assertThat(t.from()).isEqualTo("v1");
        assertThat(t.to()).isEqualTo("v3");
        assertThat(t.group()).isBetween(0, 3);
        assertThat(t.fromLeads()).isEqualTo(4);
        assertThat(t.toLeads()).isZero();
    }

    @Test
    void onlyHandsToMembersOfTheGroup() {
        // Groups 0-3 live on v1, v2, v3; v4 holds only group 4, which v4 leads.
        List<ClusterMap.Placement> placements = new ArrayList<>();
        for (int g = 0; g < 4; g++) {
            placements.add(new ClusterMap.Placement(List.of("v1", "v2", "v3"), null));
        }
        placements.add(new ClusterMap.Placement(List.of("v4", "v2", "v3"), null));
        ClusterMap map = new ClusterMap(1, 3, Map.of(), threeWay(0).volumes(), placements);
        Set<String> live = Set.of("v1", "v2", "v3", "v4");
        Map<String, List<Integer>> leading = Map.of("v1", range(0, 4), "v4", List.of(4));

        Map<String, List<Integer>> settled = settle(map, leading, live);

        assertThat(settled.get("v4")).containsExactly(4);
        assertThat(settled.get("v1").size()).isBetween(1, 2);
        settled.forEach(
                (v, gs) -> gs.forEach(g -> assertThat(map.groups().get(g).replicas()).contains(v)));
    }

    @Test
    void neverHandsToDeadOrDrainingServers() {
        ClusterMap map = threeWay(6);
        Map<String, ClusterMap.Volume> volumes = new TreeMap<>(map.volumes());
        volumes.put("v3", new ClusterMap.Volume("v3", "v3:8080", "v3:9872", true));
        ClusterMap draining = new ClusterMap(2, 3, Map.of(), volumes, map.groups());
        Map<String, List<Integer>> leading = Map.of("v1", range(0, 6));

        Map<String, List<Integer>> settled = settle(draining, leading, Set.of("v1", "v2"));

        assertThat(settled.getOrDefault("v3", List.of())).isEmpty();
        assertThat(settled.get("v1")).hasSize(3);
        assertThat(settled.get("v2")).hasSize(3);
    }

    @Test
    void waitsWhileAMoveIsUnderWay() {
        ClusterMap map = threeWay(4);
        List<ClusterMap.Placement> groups = new ArrayList<>(map.groups());
        groups.set(
                3, new ClusterMap.Placement(List.of("v1", "v2", "v3"), List.of("v1", "v2", "v4")));
        ClusterMap moving = new ClusterMap(2, 3, Map.of(), map.volumes(), groups);

        assertThat(LeaderBalancer.next(moving, Map.of("v1", range(0, 4)), ALL)).isEmpty();
        assertThat(LeaderBalancer.next(map, Map.of("v1", range(0, 4)), ALL)).isPresent();
    }

    @Test
    void aGroupClaimedByTwoServersWaitsForTheNextReports() {
        // Around an election the old leader's last report still claims the group.
        Map<String, List<Integer>> leading =
                Map.of("v1", List.of(0, 1, 2), "v2", List.of(0), "v3", List.of());

        assertThat(LeaderBalancer.soleLeaders(threeWay(3), leading, ALL)).containsOnlyKeys(1, 2);
        assertThat(LeaderBalancer.counts(threeWay(3), leading, ALL))
                .containsExactlyInAnyOrderEntriesOf(Map.of("v1", 2));
        LeaderBalancer.Transfer t = LeaderBalancer.next(threeWay(3), leading, ALL).orElseThrow();
        assertThat(t.group()).isIn(1, 2);
        assertThat(t.to()).isIn("v2", "v3");
    }

    @Test
    void ignoresClaimsOfServersThatAreNotMembersOrNotLive() {
        Map<String, List<Integer>> leading =
                Map.of("v1", range(0, 3), "v9", List.of(0), "v2", List.of(7, -1));

        assertThat(LeaderBalancer.soleLeaders(threeWay(3), leading, Set.of("v1", "v3")))
                .containsOnly(Map.entry(0, "v1"), Map.entry(1, "v1"), Map.entry(2, "v1"));
    }

    @Test
    void nothingBeforeTheMapIsInitialised() {
        assertThat(LeaderBalancer.next(ClusterMap.empty(), Map.of("v1", List.of(0)), ALL))
                .isEmpty();
    }
}
