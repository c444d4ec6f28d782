package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whispem.minikv.node.storage.DataKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandCodecTest {

    private static DataKey key(String k) {
        return new DataKey(7, "acme", k.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void proposalsRoundTrip() {
        Command.Proposal put =
                new Command.Proposal(
                        123L,
                        new Command.Put(
                                key("a"),
                                "v".getBytes(StandardCharsets.UTF_8),
                                999L,
                                Precondition.versionEquals(5)));
        Command.Proposal batch =
                new Command.Proposal(
                        456L,
                        new Command.Batch(
                                List.of(
                                        new Command.Delete(key("b"), Precondition.ABSENT),
                                        new Command.Put(
                                                key("c"), new byte[0], 0, Precondition.NONE)),
                                true));
        List<Command.Proposal> back =
                CommandCodec.decodeAll(CommandCodec.encodeAll(List.of(put, batch)));
        assertThat(back).hasSize(2);
        Command.Put p = (Command.Put) back.get(0).command();
        assertThat(back.get(0).nowMillis()).isEqualTo(123L);
        assertThat(p.key()).isEqualTo(key("a"));
        assertThat(p.value()).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
        assertThat(p.expiresAtMillis()).isEqualTo(999L);
        assertThat(p.precondition()).isEqualTo(Precondition.versionEquals(5));
        Command.Batch b = (Command.Batch) back.get(1).command();
        assertThat(b.atomic()).isTrue();
        assertThat(b.ops()).hasSize(2);
        assertThat(((Command.Delete) b.ops().get(0)).precondition()).isEqualTo(Precondition.ABSENT);

        List<Command.Proposal> single = CommandCodec.decodeAll(CommandCodec.encode(put));
        assertThat(single).hasSize(1);
    }

    @Test
    void idempotentCommandsAndTheirOutcomesRoundTrip() {
        DataKey record = IdempotencyRecords.key(7, "acme", "req-1");
        Command inner =
                new Command.Batch(
                        List.of(new Command.Put(key("a"), new byte[] {1}, 0, Precondition.NONE)),
                        false);
        Command.Proposal p =
                new Command.Proposal(
                        5L, new Command.Idempotent(record, new byte[] {9, 8, 7}, 60_000L, inner));

        Command.Idempotent back =
                (Command.Idempotent)
                        CommandCodec.decodeAll(CommandCodec.encode(p)).get(0).command();

        assertThat(back.record()).isEqualTo(record);
        assertThat(back.record().tenant()).isEqualTo(IdempotencyRecords.TENANT);
        assertThat(back.fingerprint()).containsExactly(9, 8, 7);
        assertThat(back.expiresAtMillis()).isEqualTo(60_000L);
        assertThat(((Command.Batch) back.command()).ops()).hasSize(1);

        List<Outcome> outcomes =
                List.of(
                        new Outcome.Replayed(
                                new Outcome.BatchApplied(
                                        List.of(new Outcome.Written(4, 4)), true, 4)),
                        new Outcome.IdempotencyKeyReused(11),
                        new Outcome.Replayed(new Outcome.PreconditionFailed(3, 12)));
        assertThat(OutcomeCodec.decode(OutcomeCodec.encode(outcomes))).isEqualTo(outcomes);
    }

    @Test
    void idempotentCommandsDoNotNest() {
        DataKey record = IdempotencyRecords.key(7, "acme", "req-1");
        Command.Idempotent once =
                new Command.Idempotent(
                        record, new byte[1], 1, new Command.Delete(key("x"), Precondition.NONE));
        assertThatThrownBy(() -> new Command.Idempotent(record, new byte[1], 1, once))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Command.Batch(List.of(once), false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unknownFormatIsRejected() {
        byte[] bytes =
                CommandCodec.encode(
                        new Command.Proposal(1, new Command.Delete(key("x"), Precondition.NONE)));
        bytes[0] = 9;
        assertThatThrownBy(() -> CommandCodec.decodeAll(bytes))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
