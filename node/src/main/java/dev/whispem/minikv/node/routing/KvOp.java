package dev.whispem.minikv.node.routing;

import dev.whispem.minikv.node.replication.Precondition;

/** One operation of a client batch, before it is placed on a shard. */
public sealed interface KvOp {
    String key();

    byte[] keyBytes();

    record Put(
            String key, byte[] keyBytes, byte[] value, long ttlSeconds, Precondition precondition)
            implements KvOp {}

    record Delete(String key, byte[] keyBytes, Precondition precondition) implements KvOp {}
}
