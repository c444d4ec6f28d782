package dev.whispem.minikv.node.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The metadata group's state machine: applies {@link MetadataCommand}s (JSON log entries) to the
 * {@link ClusterMap}. The map is small and rebuilt by replaying the log on restart, so it is kept
 * in memory only.
 */
final class MetadataStateMachine extends BaseStateMachine {

    static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private volatile ClusterMap map = ClusterMap.empty();

    ClusterMap map() {
        return map;
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        String reply;
        try {
            MetadataCommand command =
                    JSON.readValue(
                            entry.getStateMachineLogEntry().getLogData().toByteArray(),
                            MetadataCommand.class);
            synchronized (this) {
                map = command.applyTo(map);
            }
            reply = JSON.writeValueAsString(Map.of("epoch", map.epoch()));
        } catch (MetadataCommand.Rejected e) {
            reply = json(Map.of("rejected", e.getMessage()));
        } catch (IOException e) {
            // Cannot happen for entries we proposed; an unreadable one changes nothing.
            reply = json(Map.of("rejected", "unreadable command: " + e.getMessage()));
        }
        updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
        return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFromUtf8(reply)));
    }

    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(
                Message.valueOf(ByteString.copyFromUtf8(json(map))));
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
