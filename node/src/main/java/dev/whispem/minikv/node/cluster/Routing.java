package dev.whispem.minikv.node.cluster;

import dev.whispem.minikv.node.replication.RatisReplicator;
import java.util.ArrayList;
import java.util.List;
import org.apache.ratis.protocol.RaftPeer;

/** Points this node's forwarding to each shard group at the members the map gives it. */
final class Routing {
    private Routing() {}

    static void apply(RatisReplicator replicator, ClusterMap map) {
        // Where each volume server serves HTTP: a follower fetches snapshots from its leader there.
        java.util.Map<String, String> http = new java.util.TreeMap<>();
        map.volumes()
                .forEach(
                        (id, v) -> {
                            if (v.http() != null) {
                                http.put(id, v.http());
                            }
                        });
        replicator.peerHttp().update(http);
        if (map.initialised()) {
            // A node whose group count differs maps keys to the wrong groups: it routes nothing.
            replicator.refuseRequests(VolumeAgent.groupCountMismatch(map, replicator.groupCount()));
        }
        for (int g = 0; g < map.groups().size() && g < replicator.groupCount(); g++) {
            List<String> replicas = map.groups().get(g).replicas();
            if (!replicas.isEmpty()) {
                replicator.setPeers(g, peers(map, replicas));
            }
        }
    }

    /** The Raft peers of the named volume servers (unknown names are left out). */
    static List<RaftPeer> peers(ClusterMap map, List<String> volumes) {
        List<RaftPeer> out = new ArrayList<>();
        for (String id : volumes) {
            ClusterMap.Volume v = map.volumes().get(id);
            if (v != null) {
                out.add(RaftPeer.newBuilder().setId(id).setAddress(v.raft()).build());
            }
        }
        return out;
    }
}
