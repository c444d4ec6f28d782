package dev.whispem.minikv.operator.admin;

/**
 * What the operator asks a cluster that Kubernetes cannot know: membership, shard placement, drains
 * and leadership. Members are named by their pod name (e.g. {@code kv-vol-3}). Every call has a
 * deadline and is idempotent, so the reconciler may repeat it on every pass.
 */
public interface NodeAdminClient {

    /** The cluster as the coordinators see it. */
    ClusterReport clusterStatus() throws NodeAdminException;

    /** Starts (or continues) moving every shard replica off a volume server; reports progress. */
    DrainProgress drainVolume(String member) throws NodeAdminException;

    /**
     * Cancels the drain of a volume server ({@code DELETE /v1/admin/volumes/{member}/drain}): it
     * stops draining and keeps the shard replicas it still holds; moves already started finish.
     * Cancelling where no drain runs changes nothing. A node older than the call refuses it with a
     * 404 or 405 ({@link NodeAdminException#unsupported()}).
     */
    DrainCancelled cancelDrain(String member) throws NodeAdminException;

    /** Removes a drained volume server from the membership. */
    void removeVolume(String member) throws NodeAdminException;

    /** Adds a coordinator to the metadata group (one membership change). */
    void addCoordinator(String member) throws NodeAdminException;

    /** Removes a coordinator, never the leader, from the metadata group. */
    void removeCoordinator(String member) throws NodeAdminException;

    /** Asks the current leader to hand leadership to {@code member}. */
    void transferLeadership(String member) throws NodeAdminException;

    /** Progress of a drain: shard replicas still on the server. */
    record DrainProgress(String member, int remainingShards, boolean drained) {}

    /**
     * A volume server after its drain was cancelled: whether it drains ({@code false}, unless a
     * drain was started again right after), and the shard replicas it holds or is receiving.
     */
    record DrainCancelled(String member, boolean draining, int shards) {}
}
