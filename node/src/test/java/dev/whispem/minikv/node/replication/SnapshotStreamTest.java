package dev.whispem.minikv.node.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.KvStore;
import dev.whispem.minikv.node.storage.StoredValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SnapshotStreamTest {

    private static final SnapshotStream.Header HEADER =
            new SnapshotStream.Header(1, 4, 3, 1234, 99);

    private static KvStore.RawEntry entry(int shard, String key, String value) {
        return new KvStore.RawEntry(
                new DataKey(shard, "t", key.getBytes(StandardCharsets.UTF_8)).encode(),
                new StoredValue(7, 0, value.getBytes(StandardCharsets.UTF_8)).encode());
    }

    private static List<KvStore.RawEntry> entries() {
        return List.of(
                entry(1, "a", "x"), entry(1, "b", ""), entry(5, "a", "y"), entry(253, "z", "z"));
    }

    private static byte[] encode(SnapshotStream.Header header, List<KvStore.RawEntry> entries)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(SnapshotStream.write(out, header, entries.iterator())).isEqualTo(entries.size());
        return out.toByteArray();
    }

    private static SnapshotStream.Header verify(byte[] bytes) throws IOException {
        return SnapshotStream.verify(new ByteArrayInputStream(bytes), 1, 4);
    }

    @Test
    void roundTrip() throws IOException {
        byte[] bytes = encode(HEADER, entries());
        assertThat(verify(bytes)).isEqualTo(HEADER);
        SnapshotStream.Reader r = SnapshotStream.read(new ByteArrayInputStream(bytes), 1, 4);
        List<KvStore.RawEntry> read = new ArrayList<>();
        r.forEachRemaining(read::add);
        assertThat(r.header()).isEqualTo(HEADER);
        assertThat(r.count()).isEqualTo(4);
        assertThat(read).hasSize(4);
        for (int i = 0; i < read.size(); i++) {
            assertThat(read.get(i).key()).isEqualTo(entries().get(i).key());
            assertThat(read.get(i).value()).isEqualTo(entries().get(i).value());
        }
    }

    @Test
    void emptyGroupRoundTrips() throws IOException {
        assertThat(verify(encode(HEADER, List.of()))).isEqualTo(HEADER);
    }

    @Test
    void everyTruncationIsRejected() throws IOException {
        byte[] bytes = encode(HEADER, entries());
        for (int n = 0; n < bytes.length; n++) {
            byte[] cut = Arrays.copyOf(bytes, n);
            assertThatThrownBy(() -> verify(cut))
                    .as("cut to %d of %d bytes", n, bytes.length)
                    .isInstanceOf(SnapshotStream.MalformedSnapshotException.class);
        }
    }

    @Test
    void everyFlippedByteIsRejected() throws IOException {
        byte[] bytes = encode(HEADER, entries());
        for (int i = 0; i < bytes.length; i++) {
            byte[] bad = bytes.clone();
            bad[i] ^= 0x5A;
            assertThatThrownBy(() -> verify(bad))
                    .as("byte %d flipped", i)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void trailingDataIsRejected() throws IOException {
        byte[] bytes = encode(HEADER, entries());
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThatThrownBy(() -> verify(longer))
                .isInstanceOf(SnapshotStream.MalformedSnapshotException.class)
                .hasMessageContaining("after the end");
    }

    @Test
    void anotherGroupOrLayoutIsRejected() throws IOException {
        byte[] bytes = encode(HEADER, entries());
        assertThatThrownBy(() -> SnapshotStream.verify(new ByteArrayInputStream(bytes), 2, 4))
                .isInstanceOf(SnapshotStream.MalformedSnapshotException.class);
        assertThatThrownBy(() -> SnapshotStream.verify(new ByteArrayInputStream(bytes), 1, 8))
                .isInstanceOf(SnapshotStream.MalformedSnapshotException.class);
    }

    @Test
    void aKeyOfAnotherGroupIsRejected() throws IOException {
        byte[] bytes = encode(HEADER, List.of(entry(1, "a", "x"), entry(2, "a", "x")));
        assertThatThrownBy(() -> verify(bytes))
                .isInstanceOf(SnapshotStream.MalformedSnapshotException.class)
                .hasMessageContaining("outside");
    }

    @Test
    void unorderedOrDuplicateKeysAreRejected() throws IOException {
        byte[] unordered = encode(HEADER, List.of(entry(5, "a", "x"), entry(1, "a", "x")));
        assertThatThrownBy(() -> verify(unordered)).hasMessageContaining("order");
        byte[] duplicate = encode(HEADER, List.of(entry(1, "a", "x"), entry(1, "a", "y")));
        assertThatThrownBy(() -> verify(duplicate)).hasMessageContaining("order");
    }

    @Test
    void anotherVersionIsRejected() throws IOException {
        byte[] bytes = encode(HEADER, entries());
        bytes[4] = 2;
        assertThatThrownBy(() -> verify(bytes)).hasMessageContaining("version 2");
    }

    @Test
    void iteratingABadStreamFailsBeforeTheEnd() throws IOException {
        byte[] bytes = encode(HEADER, entries());
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 3);
        SnapshotStream.Reader r = SnapshotStream.read(new ByteArrayInputStream(cut), 1, 4);
        assertThatThrownBy(() -> r.forEachRemaining(e -> {}))
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(SnapshotStream.MalformedSnapshotException.class);
    }
}
