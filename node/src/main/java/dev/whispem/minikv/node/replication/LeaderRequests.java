package dev.whispem.minikv.node.replication;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.function.IntPredicate;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.impl.RaftClientImpl;
import org.apache.ratis.client.impl.UnorderedAsync;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * What this node asks the leader of a group it does not lead — forwarded commands ({@link
 * ForwardedProposals}), read indexes ({@link LeaderReadIndex}), batches of reads ({@link
 * ForwardedReads}) — and which member it takes for the leader.
 *
 * <p>The leader is the one this node's replica follows; for a group it does not host, the one a
 * member last named to its forwarded reads, else its client's guess. After asking a leader failed,
 * that leader is not asked again for {@link #BACKOFF_NANOS}: callers go the slower way meanwhile
 * (the retrying client, Ratis' own read rounds), which find the leader by themselves.
 */
final class LeaderRequests {

    /**
     * Questions go as stale reads with no minimum index: the receiver checks leadership itself, and
     * a fresh follower (commit index -1) must answer "not leader", not fail.
     */
    private static final long ANY_INDEX = -1;

    /** How long a leader is not asked after asking it failed. */
    private static final long BACKOFF_NANOS = 5_000_000_000L;

    private final RaftServer server;
    private final RaftGroupId[] groupIds;
    private final GroupClients clients;
    private final RequestDeadlines deadlines;
    private final IntPredicate leads;
    private final Backoff[] backoffs;

    /**
     * Per group this node does not host, the leader a member last named to its forwarded reads
     * (null: none yet). A Ratis client keeps its first guess of the leader after a leader change.
     */
    private final AtomicReferenceArray<RaftPeerId> hints;

    /**
     * @param leads whether this node leads a group
     */
    LeaderRequests(
            RaftServer server,
            RaftGroupId[] groupIds,
            GroupClients clients,
            RequestDeadlines deadlines,
            IntPredicate leads) {
        this.server = server;
        this.groupIds = groupIds;
        this.clients = clients;
        this.deadlines = deadlines;
        this.leads = leads;
        this.backoffs = new Backoff[groupIds.length];
        for (int g = 0; g < backoffs.length; g++) {
            backoffs[g] = new Backoff();
        }
        this.hints = new AtomicReferenceArray<>(groupIds.length);
    }

    /**
     * Another member that leads {@code group}, as this node knows it, unless asking it failed
     * lately; null when this node leads or the leader is unknown.
     */
    RaftPeerId leaderToAsk(int group) {
        if (leads.test(group)) {
            return null;
        }
        RaftPeerId leader = knownLeader(group);
        if (leader == null || leader.equals(server.getId())) {
            return null;
        }
        return backoffs[group].blocks(leader) ? null : leader;
    }

    /**
     * The group's leader as this node knows it: from its replica; else as a member last named it to
     * a batch of forwarded reads, else its client's guess.
     */
    RaftPeerId knownLeader(int group) {
        try {
            return server.getDivision(groupIds[group]).getInfo().getLeaderId();
        } catch (IOException notHostedHere) {
            RaftPeerId hint = hints.get(group);
            return hint != null ? hint : clients.retrying(group).getLeaderId();
        }
    }

    /**
     * The leader of {@code group} as this node knows it ({@link #knownLeader}), for error messages
     * and a member's "not leader" answers; null when unknown.
     */
    String leaderName(int group) {
        try {
            RaftPeerId leader = knownLeader(group);
            return leader == null ? null : leader.toString();
        } catch (RuntimeException noClientForTheGroup) {
            return null;
        }
    }

    /** Forgets the leader members named, when the group's members change. */
    void forgetHint(int group) {
        hints.set(group, null);
    }

    /**
     * Remembers the leader a member named when it answered that it does not lead ({@link
     * ForwardedReads#leaderHint}), or {@code asked} when it answered the reads.
     */
    void learnLeader(int group, RaftPeerId asked, byte[] answer) {
        RaftPeerId named =
                ForwardedReads.leaderHint(answer)
                        .map(RaftPeerId::valueOf)
                        .filter(leader -> !leader.equals(asked)) // a stale view of its own
                        .orElse(null);
        hints.set(group, ForwardedReads.isAnswer(answer) ? asked : named);
    }

    /** Asking {@code leader} failed: it is not asked again for a while. */
    void failed(int group, RaftPeerId leader) {
        backoffs[group].failed(leader);
    }

    /**
     * Sends {@code request} ({@link ForwardedProposals}, {@link ForwardedReads} or {@link
     * LeaderReadIndex}) to {@code leader} through the group's asking client, bounded by the request
     * deadline.
     *
     * <p>Forwarded commands go unordered. Ratis closes a leader's ordered client streams when it
     * steps down, failing every call in flight on them with an unknown outcome, although the old
     * leader still answers them: with their outcomes, or with {@code 'R'} when it handed leadership
     * over before proposing them. Unordered calls share no window either, so one failure does not
     * fail the others. Reads stay ordered: there a closed stream costs nothing (they go again), and
     * unordered reads sent to a leader as it stepped down went unanswered until the client's
     * timeout (10 s) in tests. The ordered way is also the fallback for a Ratis release whose
     * client is not this implementation.
     */
    CompletableFuture<RaftClientReply> ask(int group, RaftPeerId leader, byte[] request) {
        CompletableFuture<RaftClientReply> sent;
        try {
            Message message = Message.valueOf(ByteString.copyFrom(request));
            boolean proposals = ForwardedProposals.isRequest(request);
            RaftClient client = clients.asker(group, proposals);
            sent =
                    proposals && client instanceof RaftClientImpl impl
                            ? UnorderedAsync.send(
                                    RaftClientRequest.staleReadRequestType(ANY_INDEX),
                                    message,
                                    leader,
                                    impl)
                            : client.async().sendStaleRead(message, ANY_INDEX, leader);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return deadlines.bound(sent);
    }

    /**
     * What {@code leader} answered a read or read-index question, decoded; empty when it did not
     * lead, or after a failure (of the call, or a malformed answer), which also keeps it from being
     * asked again for a while unless only the client had closed.
     */
    <T> Optional<T> readAnswer(
            int group,
            RaftPeerId leader,
            RaftClientReply reply,
            Throwable error,
            Function<byte[], Optional<T>> decode) {
        try {
            return decode.apply(RaftReplies.content(reply, error));
        } catch (RuntimeException e) {
            clients.dropAsker(group, false);
            if (!GroupClients.closed(e)) {
                // A closed client is no failure of the leader's (a leader stepping down closes
                // its clients' streams): the next question goes on a new client at once.
                failed(group, leader);
                hints.compareAndSet(group, leader, null);
            }
            return Optional.empty();
        }
    }

    /** The leader asking last failed, and until when it is not asked again. */
    private static final class Backoff {
        private RaftPeerId leader;
        private long untilNanos;

        synchronized boolean blocks(RaftPeerId candidate) {
            return candidate.equals(leader) && System.nanoTime() < untilNanos;
        }

        synchronized void failed(RaftPeerId failedLeader) {
            leader = failedLeader;
            untilNanos = System.nanoTime() + BACKOFF_NANOS;
        }
    }
}
