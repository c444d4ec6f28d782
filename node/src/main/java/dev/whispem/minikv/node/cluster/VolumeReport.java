package dev.whispem.minikv.node.cluster;

import java.util.List;

/**
 * A volume server's heartbeat: who it is, where it is reached, and which groups it hosts now.
 *
 * @param lastEpoch the newest map epoch the volume server has applied
 * @param groups its {@code minikv.replication.groups}; 0 from a version that did not report it
 * @param leading the groups it leads now; empty from a version that did not report them
 */
public record VolumeReport(
        String id,
        String http,
        String raft,
        List<Integer> hosted,
        long lastEpoch,
        int groups,
        List<Integer> leading) {
    public VolumeReport {
        hosted = hosted == null ? List.of() : List.copyOf(hosted);
        leading = leading == null ? List.of() : List.copyOf(leading);
    }
}
