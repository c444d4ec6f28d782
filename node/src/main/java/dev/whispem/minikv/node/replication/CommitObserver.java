package dev.whispem.minikv.node.replication;

/** Told about each durable commit (a group commit or a Raft log entry), for metrics. */
public interface CommitObserver {
    void committed(int commands, long nanos);
}
