package dev.whispem.minikv.node.routing;

/**
 * How the 256 virtual shards are packed into replication groups: shard {@code s} belongs to group
 * {@code s mod groups}. The shard is the unit of routing and of key ranges on disk; the group is
 * the unit of consensus (see docs/decisions/0101-shards-packed-into-raft-groups.md).
 */
public record ShardLayout(int groups) {

    public ShardLayout {
        if (groups < 1 || groups > ShardHasher.SHARDS || ShardHasher.SHARDS % groups != 0) {
            throw new IllegalArgumentException("groups must divide 256, got " + groups);
        }
    }

    public int groupOf(int shard) {
        return shard % groups;
    }

    /** The shards of {@code group}, ascending. */
    public int[] shardsOf(int group) {
        int[] shards = new int[ShardHasher.SHARDS / groups];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = group + i * groups;
        }
        return shards;
    }
}
