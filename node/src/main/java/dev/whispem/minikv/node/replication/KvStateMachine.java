package dev.whispem.minikv.node.replication;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The Ratis state machine of one shard group: applies committed log entries through {@link
 * GroupStateMachine} into the shared store.
 *
 * <p>Durability comes from the Raft log (fsynced, group-committed by Ratis' log worker); storage
 * writes are therefore not synced. The applied log index is written in the same storage batch as
 * the data, so after a crash the entries the store already holds are recognised and skipped when
 * Ratis replays its log — replay is idempotent.
 */
final class KvStateMachine extends BaseStateMachine {

    private final GroupStateMachine core;

    KvStateMachine(GroupStateMachine core) {
        this.core = core;
    }

    GroupStateMachine core() {
        return core;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        long index = entry.getIndex();
        try {
            if (index <= core.appliedIndex()) {
                // Already in storage: this is a replay after a restart, nobody waits for it.
                updateLastAppliedTermIndex(entry.getTerm(), index);
                return CompletableFuture.completedFuture(Message.EMPTY);
            }
            byte[] payload = entry.getStateMachineLogEntry().getLogData().toByteArray();
            List<Command.Proposal> proposals = CommandCodec.decodeAll(payload);
            ApplyBatch batch = new ApplyBatch(core.store());
            List<Outcome> outcomes = new ArrayList<>(proposals.size());
            for (Command.Proposal p : proposals) {
                outcomes.add(core.apply(batch, p));
            }
            core.markApplied(batch, index);
            batch.commit(false);
            updateLastAppliedTermIndex(entry.getTerm(), index);
            return CompletableFuture.completedFuture(
                    Message.valueOf(ByteString.copyFrom(OutcomeCodec.encode(outcomes))));
        } catch (RuntimeException e) {
            // Storage failure: the replica cannot continue safely. Fail the entry; Ratis stops
            // applying rather than skipping it.
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The read barrier: after ReadIndex, answers the group's revision. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(answer(request));
    }

    @Override
    public CompletableFuture<Message> queryStale(Message request, long minIndex) {
        return CompletableFuture.completedFuture(answer(request));
    }

    /** The empty query is the read barrier; others are {@link ReadQuery} reads. */
    private Message answer(Message request) {
        if (request.getContent().isEmpty()) {
            return revisionMessage();
        }
        return Message.valueOf(
                ByteString.copyFrom(
                        ReadQuery.answer(
                                request.getContent().toByteArray(),
                                core.group(),
                                core.revision(),
                                core.store())));
    }

    private Message revisionMessage() {
        return Message.valueOf(
                ByteString.copyFrom(ByteBuffer.allocate(8).putLong(core.revision()).array()));
    }
}
