package dev.whispem.minikv.node.cluster;

import java.util.List;

/**
 * A volume server's heartbeat: who it is, where it is reached, and which groups it hosts now.
 *
 * @param lastEpoch the newest map epoch the volume server has applied
 * @param groups its {@code minikv.replication.groups}; 0 from a version that did not report it
 */
public record VolumeReport(
        String id, String http, String raft, List<Integer> hosted, long lastEpoch, int groups) {
    public VolumeReport {
        hosted = hosted == null ? List.of() : List.copyOf(hosted);
    }
}
