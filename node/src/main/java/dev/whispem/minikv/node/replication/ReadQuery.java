package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.routing.ShardLayout;
import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.GroupScan;
import dev.whispem.minikv.node.storage.KvStore;
import dev.whispem.minikv.node.storage.StoredValue;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A read sent through Raft to a group this node does not host: answered by the group's leader after
 * a ReadIndex round, so it is linearizable. An empty query is the plain read barrier (the answer is
 * the group's revision).
 *
 * <p>Wire format: {@code 'G' | tenant | key} for a point read, answered {@code revision | 0} or
 * {@code revision | 1 | stored value}; {@code 'S' | groups | now | limit | tenant | lower | upper?}
 * for a scan of the group's shards, answered {@code revision | count | (key | stored value)*}.
 * Strings and byte arrays are length-prefixed.
 */
public sealed interface ReadQuery {

    /** A point read of one key. */
    record Get(DataKey key) implements ReadQuery {}

    /**
     * Live keys of the group's shards ({@code s mod groups == group}) in {@code [lower, upper)}.
     */
    record Scan(int groups, long nowMillis, int limit, String tenant, byte[] lower, byte[] upper)
            implements ReadQuery {}

    /** A point read's answer. */
    record Value(long revision, Optional<StoredValue> value) {}

    /** A scan's answer. */
    record Entries(long revision, List<KvStore.Entry> entries) {}

    static byte[] encode(ReadQuery q) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            switch (q) {
                case Get g -> {
                    out.writeByte('G');
                    out.writeByte(g.key().shard());
                    out.writeUTF(g.key().tenant());
                    writeBytes(out, g.key().key());
                }
                case Scan s -> {
                    out.writeByte('S');
                    out.writeInt(s.groups());
                    out.writeLong(s.nowMillis());
                    out.writeInt(s.limit());
                    out.writeUTF(s.tenant());
                    writeBytes(out, s.lower());
                    out.writeBoolean(s.upper() != null);
                    if (s.upper() != null) {
                        writeBytes(out, s.upper());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Runs {@code query} against {@code replica} at its current revision; encodes the answer. */
    static byte[] answer(byte[] query, GroupStateMachine replica) {
        return answer(query, replica.group(), replica.revision(), replica.store());
    }

    private static byte[] answer(byte[] query, int group, long revision, KvStore store) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(query));
                DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(revision);
            byte type = in.readByte();
            if (type == 'G') {
                DataKey key = new DataKey(in.readUnsignedByte(), in.readUTF(), readBytes(in));
                Optional<StoredValue> v = store.get(key);
                out.writeBoolean(v.isPresent());
                if (v.isPresent()) {
                    writeBytes(out, v.get().encode());
                }
            } else if (type == 'S') {
                int groups = in.readInt();
                long now = in.readLong();
                int limit = in.readInt();
                String tenant = in.readUTF();
                byte[] lower = readBytes(in);
                byte[] upper = in.readBoolean() ? readBytes(in) : null;
                int[] shards = new ShardLayout(groups).shardsOf(group);
                List<KvStore.Entry> entries =
                        GroupScan.scan(store, shards, tenant, lower, upper, limit, now);
                out.writeInt(entries.size());
                for (KvStore.Entry e : entries) {
                    out.writeByte(e.key().shard());
                    writeBytes(out, e.key().key());
                    writeBytes(out, e.value().encode());
                }
            } else {
                throw new IllegalArgumentException("unknown read query type " + type);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Value decodeValue(byte[] answer) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(answer))) {
            long revision = in.readLong();
            return new Value(
                    revision,
                    in.readBoolean()
                            ? Optional.of(StoredValue.decode(readBytes(in)))
                            : Optional.empty());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Entries decodeEntries(byte[] answer, String tenant) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(answer))) {
            long revision = in.readLong();
            int n = in.readInt();
            List<KvStore.Entry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                DataKey key = new DataKey(in.readUnsignedByte(), tenant, readBytes(in));
                entries.add(new KvStore.Entry(key, StoredValue.decode(readBytes(in))));
            }
            return new Entries(revision, entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (64 << 20)) {
            throw new IOException("bad length " + n);
        }
        return in.readNBytes(n);
    }
}
