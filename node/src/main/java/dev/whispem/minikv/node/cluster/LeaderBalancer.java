package dev.whispem.minikv.node.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Decides the next leadership transfer that evens out how many shard groups each volume server
 * leads. A group's leader proposes every write of the group and answers its linearizable reads from
 * its lease, so a server that leads every group carries most of the cluster's work while the others
 * mostly follow; Ratis elects whoever times out first and never moves leadership back by itself
 * (decision 0118).
 *
 * <p>Pure, like {@link PlacementPlanner}: the map, the leaders the volume servers report and their
 * liveness give the answer, so it is tested without a cluster. It proposes one transfer at a time,
 * only while no move is under way (a move changes the group's members), only between live members
 * of a group, and only when the leader leads at least two more groups than the member it hands to:
 * a difference of one cannot be evened out, and transferring it would only move it around.
 */
public final class LeaderBalancer {

    /** Hand {@code group}'s leadership from volume server {@code from} to {@code to}. */
    public record Transfer(int group, String from, String to, int fromLeads, int toLeads) {}

    private LeaderBalancer() {}

    /**
     * The next transfer, if leadership is uneven.
     *
     * @param leading the groups each volume server reported leading in its latest heartbeat
     * @param live volume servers heard from recently
     */
    public static Optional<Transfer> next(
            ClusterMap map, Map<String, List<Integer>> leading, Set<String> live) {
        if (!map.initialised() || map.movesInFlight() > 0) {
            return Optional.empty();
        }
        Map<Integer, String> leaderOf = soleLeaders(map, leading, live);
        Map<String, Integer> leads = new HashMap<>();
        leaderOf.values().forEach(v -> leads.merge(v, 1, Integer::sum));
        Transfer best = null;
        for (Map.Entry<Integer, String> e : leaderOf.entrySet()) {
            int group = e.getKey();
            String from = e.getValue();
            int fromLeads = leads.get(from);
            for (String to : map.groups().get(group).replicas()) {
                // A draining server is about to lose its replicas; it gets no leadership.
                if (to.equals(from) || !live.contains(to) || draining(map, to)) {
                    continue;
                }
                int toLeads = leads.getOrDefault(to, 0);
                if (fromLeads - toLeads >= 2 && better(fromLeads, toLeads, best)) {
                    best = new Transfer(group, from, to, fromLeads, toLeads);
                }
            }
        }
        return Optional.ofNullable(best);
    }

    /** The widest gap first; on a tie the first found (lowest group, replicas in map order). */
    private static boolean better(int fromLeads, int toLeads, Transfer best) {
        return best == null || fromLeads - toLeads > best.fromLeads() - best.toLeads();
    }

    /**
     * The groups whose leader is known for sure: exactly one live replica reports leading it. Two
     * claims happen for a moment around an election (the old leader's report is older); such a
     * group waits for the next heartbeats.
     */
    static Map<Integer, String> soleLeaders(
            ClusterMap map, Map<String, List<Integer>> leading, Set<String> live) {
        Map<Integer, List<String>> claims = new HashMap<>();
        leading.forEach(
                (volume, groups) -> {
                    if (!live.contains(volume)) {
                        return;
                    }
                    for (int g : groups) {
                        if (g >= 0
                                && g < map.groups().size()
                                && map.groups().get(g).replicas().contains(volume)) {
                            claims.computeIfAbsent(g, k -> new ArrayList<>()).add(volume);
                        }
                    }
                });
        Map<Integer, String> out = new TreeMap<>();
        claims.forEach(
                (g, who) -> {
                    if (who.size() == 1) {
                        out.put(g, who.get(0));
                    }
                });
        return out;
    }

    /** How many groups each volume server leads, for the cluster report. */
    public static Map<String, Integer> counts(
            ClusterMap map, Map<String, List<Integer>> leading, Set<String> live) {
        Map<String, Integer> out = new HashMap<>();
        soleLeaders(map, leading, live).values().forEach(v -> out.merge(v, 1, Integer::sum));
        return out;
    }

    private static boolean draining(ClusterMap map, String volume) {
        ClusterMap.Volume v = map.volumes().get(volume);
        return v != null && v.draining();
    }
}
