package dev.whispem.minikv.node.replication;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntPredicate;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.protocol.TransferLeadershipRequest;
import org.apache.ratis.server.RaftServer;

/**
 * Hands leadership of a group this node leads to a follower: on request, on graceful shutdown, and
 * for the leader balancer (decision 0118). Only to a follower that can take it at once: Ratis holds
 * the group's new writes back while a transfer is under way, so a transfer to a member that is down
 * or far behind would stall them until it times out.
 */
final class LeadershipTransfer {

    /**
     * Most entries a transfer target may lag the leader's commit index by. Ratis waits for the
     * target to catch up before handing over, holding new writes back meanwhile; a replica
     * replaying a long log (just restarted, or just added) would keep them waiting until the
     * transfer timed out.
     */
    static final long MAX_TRANSFER_LAG = 128;

    /** How long Ratis may take over one transfer before giving up. */
    private static final long TIMEOUT_MILLIS = 5_000;

    private final RaftServer server;
    private final RaftGroupId[] groupIds;
    private final RaftConfig config;
    private final ClientId clientId;
    private final LongSupplier callIds;
    private final IntPredicate leads;
    private final LeaderRequests leaders;

    LeadershipTransfer(
            RaftServer server,
            RaftGroupId[] groupIds,
            RaftConfig config,
            ClientId clientId,
            LongSupplier callIds,
            IntPredicate leads,
            LeaderRequests leaders) {
        this.server = server;
        this.groupIds = groupIds;
        this.config = config;
        this.clientId = clientId;
        this.callIds = callIds;
        this.leads = leads;
        this.leaders = leaders;
    }

    /**
     * Asks this node's Raft server to hand leadership of {@code group} to {@code newLeader} (or,
     * when null, to the follower most caught up); completes when the transfer is done or has
     * failed, with false when no follower could take it. Only to a follower that answered this
     * leader within the smallest election timeout and is nearly caught up.
     */
    CompletableFuture<Boolean> transfer(int group, String newLeader) {
        if (!leads.test(group)) {
            return CompletableFuture.failedFuture(
                    new NotLeaderException(leaders.leaderName(group)));
        }
        List<String> ready = responsiveFollowers(group);
        String target = newLeader == null ? ready.stream().findFirst().orElse(null) : newLeader;
        if (target == null) {
            return CompletableFuture.completedFuture(false);
        }
        if (!ready.contains(target)) {
            return CompletableFuture.failedFuture(
                    new IllegalStateException(
                            target
                                    + " is not a follower of group "
                                    + group
                                    + " that answered its leader within the last "
                                    + config.electionTimeoutMinMillis()
                                    + " ms and is at most "
                                    + MAX_TRANSFER_LAG
                                    + " entries behind; leadership stays here"));
        }
        try {
            return server.transferLeadershipAsync(
                            new TransferLeadershipRequest(
                                    clientId,
                                    server.getId(),
                                    groupIds[group],
                                    callIds.getAsLong(),
                                    RaftPeerId.valueOf(target),
                                    TIMEOUT_MILLIS))
                    .thenApply(RaftClientReply::isSuccess);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The followers of {@code group}, which this node leads, that may take its leadership ({@link
     * #transferTargets}).
     */
    private List<String> responsiveFollowers(int group) {
        try {
            var division = server.getDivision(groupIds[group]);
            List<FollowerState> states = FollowerState.of(division);
            return transferTargets(
                    states,
                    division.getRaftLog().getLastCommittedIndex(),
                    config.electionTimeoutMinMillis());
        } catch (IOException notHostedHere) {
            return List.of();
        }
    }

    /**
     * The followers that answered within {@code silentAfterMillis} and lag the commit index by at
     * most {@link #MAX_TRANSFER_LAG} entries, the most caught up first.
     */
    static List<String> transferTargets(
            List<FollowerState> followers, long committed, long silentAfterMillis) {
        return followers.stream()
                .filter(f -> f.lastAnsweredMillisAgo() <= silentAfterMillis)
                .filter(f -> committed - f.matchIndex() <= MAX_TRANSFER_LAG)
                .sorted(Comparator.comparingLong(FollowerState::matchIndex).reversed())
                .map(FollowerState::id)
                .toList();
    }
}
