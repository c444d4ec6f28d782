package dev.whispem.minikv.node.replication;

/** This node does not lead the group; {@code leaderId} is the suggested leader, if known. */
public class NotLeaderException extends IllegalStateException {
    private final String leaderId;

    public NotLeaderException(String leaderId) {
        super("not the leader" + (leaderId == null ? "" : "; leader is " + leaderId));
        this.leaderId = leaderId;
    }

    public String leaderId() {
        return leaderId;
    }
}
