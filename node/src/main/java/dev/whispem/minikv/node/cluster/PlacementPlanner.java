package dev.whispem.minikv.node.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decides the next shard-map changes: place unassigned groups, move replicas off draining or dead
 * volume servers, and even out replica counts. Pure: the same map and liveness give the same
 * commands, so it is tested without a cluster and any new leader continues where the last one
 * stopped.
 *
 * <p>Moves are limited ({@code maxMoves} in flight at once) because each one makes a new replica
 * replay the group's log; a move replaces one replica, so a group never has fewer than its
 * replication factor of voting members.
 *
 * <p>A group never moves to a volume server that still holds an old replica of it (one it was moved
 * off and has not dropped yet, as its heartbeats tell). That server drops the old replica, deleting
 * its log and shards, as soon as it sees a map without it; a move started before then would count
 * the old replica as the new member and lose it half-way through the membership change. It happens
 * when a drain is cancelled right after a move: the balancer wants the group back on the server it
 * just left.
 *
 * <p>A move whose new member is dead (silent past the grace period) gets another new member ({@link
 * MetadataCommand.RetargetMove}, decision 0114); otherwise it, and every move queued behind it,
 * would wait for good.
 */
public final class PlacementPlanner {

    private final int maxMoves;

    public PlacementPlanner(int maxMoves) {
        this.maxMoves = maxMoves;
    }

    /**
     * The commands to propose now.
     *
     * @param live volume servers heard from recently
     * @param dead volume servers silent for longer than the re-replication grace period
     * @param hosted the groups each volume server has a replica of, as its last heartbeat said
     */
    public List<MetadataCommand> plan(
            ClusterMap map,
            Set<String> live,
            Set<String> dead,
            Map<String, ? extends Collection<Integer>> hosted) {
        List<MetadataCommand> out = new ArrayList<>();
        if (!map.initialised()) {
            return out;
        }
        List<String> eligible =
                map.volumes().values().stream()
                        .filter(
                                v ->
                                        !v.draining()
                                                && live.contains(v.id())
                                                && !dead.contains(v.id()))
                        .map(ClusterMap.Volume::id)
                        .sorted()
                        .toList();
        Map<String, Integer> load = load(map, eligible);
        int rf = map.replicationFactor();
        for (int g = 0; g < map.groups().size(); g++) {
            ClusterMap.Placement p = map.groups().get(g);
            if (p.replicas().isEmpty() && eligible.size() >= rf) {
                List<String> chosen = leastLoaded(load, List.of(), rf);
                chosen.forEach(v -> load.merge(v, 1, Integer::sum));
                out.add(new MetadataCommand.Assign(g, chosen));
            }
        }
        int moves = map.movesInFlight();
        Set<Integer> planned = new java.util.HashSet<>();
        for (int g = 0; g < map.groups().size(); g++) {
            ClusterMap.Placement p = map.groups().get(g);
            if (p.moving()) {
                MetadataCommand retarget = retarget(g, p, load, dead, hosted);
                if (retarget != null) {
                    out.add(retarget);
                }
            }
        }
        for (int g = 0; g < map.groups().size() && moves < maxMoves; g++) {
            ClusterMap.Placement p = map.groups().get(g);
            if (p.moving() || p.replicas().isEmpty()) {
                continue;
            }
            for (String replica : p.replicas()) {
                if (!needsReplacing(map, replica, dead)) {
                    continue;
                }
                List<String> to = leastLoaded(load, unfitFor(g, p, hosted), 1);
                if (!to.isEmpty()) {
                    out.add(
                            new MetadataCommand.StartMove(
                                    g, replace(p.replicas(), replica, to.get(0))));
                    load.merge(to.get(0), 1, Integer::sum);
                    planned.add(g);
                    moves++;
                }
                break;
            }
        }
        while (moves < maxMoves) {
            MetadataCommand move = balancingMove(map, load, planned, hosted);
            if (move == null) {
                break;
            }
            out.add(move);
            moves++;
        }
        return out;
    }

    /**
     * A new target member for a move whose new member is dead, or null. Only new members matter: a
     * leaving or kept member that dies leaves the group a majority, and the move goes on.
     */
    private static MetadataCommand retarget(
            int g,
            ClusterMap.Placement p,
            Map<String, Integer> load,
            Set<String> dead,
            Map<String, ? extends Collection<Integer>> hosted) {
        for (String member : p.target()) {
            if (p.replicas().contains(member) || !dead.contains(member)) {
                continue;
            }
            List<String> unfit = unfitFor(g, p, hosted);
            p.target().stream().filter(v -> !unfit.contains(v)).forEach(unfit::add);
            List<String> to = leastLoaded(load, unfit, 1);
            if (to.isEmpty()) {
                return null;
            }
            load.merge(to.get(0), 1, Integer::sum);
            return new MetadataCommand.RetargetMove(g, member, to.get(0));
        }
        return null;
    }

    private static boolean needsReplacing(ClusterMap map, String replica, Set<String> dead) {
        ClusterMap.Volume v = map.volumes().get(replica);
        return v == null || v.draining() || dead.contains(replica);
    }

    /** Replica counts of the eligible volume servers, counting moves in flight at their target. */
    private static Map<String, Integer> load(ClusterMap map, List<String> eligible) {
        Map<String, Integer> load = new HashMap<>();
        eligible.forEach(v -> load.put(v, 0));
        for (ClusterMap.Placement p : map.groups()) {
            for (String v : p.moving() ? p.target() : p.replicas()) {
                load.computeIfPresent(v, (k, n) -> n + 1);
            }
        }
        return load;
    }

    private static List<String> leastLoaded(
            Map<String, Integer> load, List<String> exclude, int n) {
        return load.entrySet().stream()
                .filter(e -> !exclude.contains(e.getKey()))
                .sorted(
                        Map.Entry.<String, Integer>comparingByValue()
                                .thenComparing(Map.Entry.comparingByKey()))
                .limit(n)
                .map(Map.Entry::getKey)
                .toList();
    }

    /**
     * One move from the most to the least loaded volume server when their counts differ by more
     * than one; null when balanced. Updates {@code load} for the move it returns.
     */
    private static MetadataCommand balancingMove(
            ClusterMap map,
            Map<String, Integer> load,
            Set<Integer> planned,
            Map<String, ? extends Collection<Integer>> hosted) {
        if (load.size() < 2) {
            return null;
        }
        List<String> byLoad =
                load.keySet().stream()
                        .sorted(
                                Comparator.comparing((String v) -> load.get(v))
                                        .thenComparing(v -> v))
                        .toList();
        String coldest = byLoad.get(0);
        for (int i = byLoad.size() - 1; i > 0; i--) {
            String hottest = byLoad.get(i);
            if (load.get(hottest) - load.get(coldest) <= 1) {
                return null;
            }
            for (int g = 0; g < map.groups().size(); g++) {
                ClusterMap.Placement p = map.groups().get(g);
                if (!p.moving()
                        && !planned.contains(g)
                        && p.replicas().contains(hottest)
                        && !p.replicas().contains(coldest)
                        && !holds(hosted, coldest, g)) {
                    planned.add(g);
                    load.merge(hottest, -1, Integer::sum);
                    load.merge(coldest, 1, Integer::sum);
                    return new MetadataCommand.StartMove(
                            g, replace(p.replicas(), hottest, coldest));
                }
            }
        }
        return null;
    }

    /** The volume servers a new replica of group {@code g} must not go to. */
    private static List<String> unfitFor(
            int g, ClusterMap.Placement p, Map<String, ? extends Collection<Integer>> hosted) {
        List<String> out = new ArrayList<>(p.replicas());
        hosted.forEach(
                (v, groups) -> {
                    if (groups.contains(g) && !out.contains(v)) {
                        out.add(v);
                    }
                });
        return out;
    }

    private static boolean holds(
            Map<String, ? extends Collection<Integer>> hosted, String volume, int g) {
        Collection<Integer> groups = hosted.get(volume);
        return groups != null && groups.contains(g);
    }

    private static List<String> replace(List<String> replicas, String from, String to) {
        List<String> next = new ArrayList<>(replicas);
        next.set(next.indexOf(from), to);
        return next;
    }
}
