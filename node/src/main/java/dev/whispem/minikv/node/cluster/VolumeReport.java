package dev.whispem.minikv.node.cluster;

import java.util.List;

/**
 * A volume server's heartbeat: who it is, where it is reached, and which groups it hosts now.
 *
 * @param lastEpoch the newest map epoch the volume server has applied
 */
public record VolumeReport(
        String id, String http, String raft, List<Integer> hosted, long lastEpoch) {
    public VolumeReport {
        hosted = hosted == null ? List.of() : List.copyOf(hosted);
    }
}
