package dev.whispem.minikv.node.replication;

import java.util.concurrent.CompletionException;
import org.apache.ratis.protocol.RaftClientReply;

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
        return new IllegalStateException("replication failed: " + reply.getException());
    }

    static CompletionException asCompletion(Throwable t) {
        return t instanceof CompletionException c ? c : new CompletionException(t);
    }
}
