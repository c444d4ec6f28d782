package dev.whispem.minikv.node.replication;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.TransactionContext;
import org.jboss.logging.Logger;

/**
 * Settles an entry this node proposed as leader when its leadership ended before the entry
 * committed: Ratis then answers "not leader" to everything pending, although the next leader may
 * still commit the entry (decision 0123). Once this replica, now a follower, has applied the
 * entry's index, Raft has decided: the entry committed, and its outcomes are the answer; or another
 * entry took its index, and it may be sent again without any risk of applying twice ({@link
 * NeverApplied}); or this replica cannot tell (it skipped the index through a snapshot, or closed),
 * and the outcome stays unknown, as before.
 */
final class SteppedDownEntries {

    private static final Logger LOG = Logger.getLogger(SteppedDownEntries.class);

    private SteppedDownEntries() {}

    /**
     * @param trx the entry's transaction as this replica began it ({@link
     *     KvStateMachine#takeTransaction}), or null when it has none
     */
    static CompletableFuture<RaftClientReply> settle(
            int group, KvStateMachine machine, TransactionContext trx, CommitObserver observer) {
        if (machine == null || trx == null) {
            observer.settledAfterStepDown(EntryFate.UNKNOWN);
            return CompletableFuture.failedFuture(unknown(group));
        }
        LogEntryProto entry = trx.getLogEntry();
        if (entry == null) {
            // Refused before the log took it: Ratis builds the log entry before appending it.
            observer.settledAfterStepDown(EntryFate.DROPPED);
            return CompletableFuture.failedFuture(NeverApplied.dropped(group));
        }
        return machine.fateOf(TermIndex.valueOf(entry))
                .handle(
                        (settled, closed) -> {
                            EntryFate fate = closed == null ? settled.fate() : EntryFate.UNKNOWN;
                            observer.settledAfterStepDown(fate);
                            LOG.infof(
                                    "group %d: entry %s was pending when this node's leadership"
                                            + " ended; the log says %s",
                                    group,
                                    TermIndex.valueOf(entry),
                                    fate.name().toLowerCase(java.util.Locale.ROOT));
                            return switch (fate) {
                                case COMMITTED ->
                                        RaftClientReply.newBuilder()
                                                .setRequest(trx.getClientRequest())
                                                .setSuccess()
                                                .setMessage(settled.outcomes())
                                                .setLogIndex(entry.getIndex())
                                                .build();
                                case DROPPED -> throw NeverApplied.dropped(group);
                                case UNKNOWN -> throw new CompletionException(unknown(group));
                            };
                        });
    }

    private static IllegalStateException unknown(int group) {
        return new IllegalStateException(
                "group "
                        + group
                        + " changed leader while the write was pending; its outcome is"
                        + " unknown");
    }
}
