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
    void unknownFormatIsRejected() {
        byte[] bytes =
                CommandCodec.encode(
                        new Command.Proposal(1, new Command.Delete(key("x"), Precondition.NONE)));
        bytes[0] = 9;
        assertThatThrownBy(() -> CommandCodec.decodeAll(bytes))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
