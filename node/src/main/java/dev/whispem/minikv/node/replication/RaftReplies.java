package dev.whispem.minikv.node.replication;

import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.exceptions.LeaderNotReadyException;
import org.apache.ratis.protocol.exceptions.LeaderSteppingDownException;
import org.apache.ratis.protocol.exceptions.ReadIndexException;

/** What a Ratis reply says: its content, or the failure it carries as an exception. */
final class RaftReplies {

    private RaftReplies() {}

    /**
     * The content of a call's reply.
     *
     * @param error the call's failure, or null when it was answered
     * @throws CompletionException wrapping {@code error}, or the reply's failure ({@link #failure})
     */
    static byte[] content(RaftClientReply reply, Throwable error) {
        if (error != null) {
            throw asCompletion(error);
        }
        if (!reply.isSuccess()) {
            throw failure(reply);
        }
        return reply.getMessage().getContent().toByteArray();
    }

    /** A failed reply as an exception: {@link NotLeaderException} naming the leader if it can. */
    static RuntimeException failure(RaftClientReply reply) {
        if (reply.getNotLeaderException() != null) {
            var suggested = reply.getNotLeaderException().getSuggestedLeader();
            return new NotLeaderException(suggested == null ? null : suggested.getId().toString());
        }
        return new IllegalStateException(
                "replication failed: " + reply.getException(), reply.getException());
    }

    /**
     * Whether {@code error} says the group had no leader able to answer at that moment: none known
     * (an election, a leadership transfer), this member does not lead, the leader is stepping down
     * or not ready yet, or the leader this node knows refuses connections (its process is gone, and
     * an election follows). A read that failed so may go again a moment later.
     */
    static boolean leaderMoving(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof NotLeaderException
                    || t instanceof org.apache.ratis.protocol.exceptions.NotLeaderException
                    || t instanceof LeaderNotReadyException
                    || t instanceof LeaderSteppingDownException
                    || t instanceof ReadIndexException
                    || t instanceof java.net.ConnectException) {
                return true;
            }
        }
        return false;
    }

    static CompletionException asCompletion(Throwable t) {
        return t instanceof CompletionException c ? c : new CompletionException(t);
    }
}
