package dev.whispem.minikv.node.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whispem.minikv.node.replication.Precondition;
import dev.whispem.minikv.node.routing.KvOp;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {

    private static IdempotencyConfig config(boolean enabled) {
        return new IdempotencyConfig() {
            @Override
            public boolean enabled() {
                return enabled;
            }

            @Override
            public Duration window() {
                return Duration.ofMinutes(10);
            }
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void turnedOffAKeyIsRefusedNotIgnored() {
        assertThatThrownBy(() -> IdempotencyKeys.key("req-1", config(false)))
                .isInstanceOfSatisfying(
                        ApiException.class,
                        e -> {
                            assertThat(e.status()).isEqualTo(501);
                            assertThat(e.code()).isEqualTo("IDEMPOTENCY_DISABLED");
                        });
        assertThat(IdempotencyKeys.key(null, config(false))).isNull();
        assertThat(IdempotencyKeys.key("req-1", config(true))).isEqualTo("req-1");
    }

    @Test
    void theFingerprintCoversEverythingThatDecidesTheWrite() {
        byte[] base =
                IdempotencyKeys.put("r", bytes("k"), bytes("v"), 0, Precondition.NONE)
                        .fingerprint();
        assertThat(
                        IdempotencyKeys.put("r", bytes("k"), bytes("v"), 0, Precondition.NONE)
                                .fingerprint())
                .isEqualTo(base);
        List<byte[]> others =
                List.of(
                        IdempotencyKeys.put("r", bytes("k2"), bytes("v"), 0, Precondition.NONE)
                                .fingerprint(),
                        IdempotencyKeys.put("r", bytes("k"), bytes("w"), 0, Precondition.NONE)
                                .fingerprint(),
                        IdempotencyKeys.put("r", bytes("k"), bytes("v"), 5, Precondition.NONE)
                                .fingerprint(),
                        IdempotencyKeys.put("r", bytes("k"), bytes("v"), 0, Precondition.ABSENT)
                                .fingerprint(),
                        // The split between key and value is part of it.
                        IdempotencyKeys.put("r", bytes("kv"), bytes(""), 0, Precondition.NONE)
                                .fingerprint(),
                        IdempotencyKeys.delete("r", bytes("k"), Precondition.NONE).fingerprint(),
                        IdempotencyKeys.batch(
                                        "r",
                                        List.of(
                                                new KvOp.Put(
                                                        "k",
                                                        bytes("k"),
                                                        bytes("v"),
                                                        0,
                                                        Precondition.NONE)))
                                .fingerprint());
        for (byte[] other : others) {
            assertThat(other).isNotEqualTo(base);
        }
        assertThat(IdempotencyKeys.put(null, bytes("k"), bytes("v"), 0, Precondition.NONE))
                .isNull();
    }
}
