package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.routing.ShardLayout;
import dev.whispem.minikv.node.storage.KvStore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The state of one shard group as a follower installs it from another replica (decision 0108).
 *
 * <p>Format, big-endian:
 *
 * <pre>
 * "MKVS" | version (1 byte, = 1) | group (4) | groups (4) | term (8) | index (8) | revision (8)
 * entry*: 0x01 | key length (4) | encoded key | value length (4) | encoded value
 * end:    0x00 | entry count (8) | CRC32C of every byte before it (4)
 * </pre>
 *
 * Keys are strictly ascending and each is a data key of a shard of the group ({@code shard mod
 * groups == group}); values are stored values. A stream that breaks any of this, is cut short,
 * fails its checksum or goes on after the end is rejected with a {@link
 * MalformedSnapshotException}.
 */
public final class SnapshotStream {

    static final int MAGIC = 0x4D4B5653; // "MKVS"
    static final int VERSION = 1;
    private static final int ENTRY = 1;
    private static final int END = 0;
    private static final int MAX_KEY = 1 << 20;
    private static final int MAX_VALUE = 256 << 20;
    private static final int VALUE_HEADER = 17;

    private SnapshotStream() {}

    /**
     * What the stream holds: the group's state after applying log entries up to {@code index}
     * (written in {@code term}), with the group's revision counter.
     */
    public record Header(int group, int groups, long term, long index, long revision) {}

    /** The stream does not follow the format; nothing read from it may be used. */
    public static final class MalformedSnapshotException extends IOException {
        MalformedSnapshotException(String message) {
            super("malformed snapshot stream: " + message);
        }
    }

    /**
     * Writes {@code header} and {@code entries} (ascending keys) as one stream; returns the count.
     */
    public static long write(OutputStream out, Header header, Iterator<KvStore.RawEntry> entries)
            throws IOException {
        CheckedOutputStream checked = new CheckedOutputStream(out, new CRC32C());
        DataOutputStream data = new DataOutputStream(checked);
        data.writeInt(MAGIC);
        data.writeByte(VERSION);
        data.writeInt(header.group());
        data.writeInt(header.groups());
        data.writeLong(header.term());
        data.writeLong(header.index());
        data.writeLong(header.revision());
        long count = 0;
        while (entries.hasNext()) {
            KvStore.RawEntry e = entries.next();
            data.writeByte(ENTRY);
            data.writeInt(e.key().length);
            data.write(e.key());
            data.writeInt(e.value().length);
            data.write(e.value());
            count++;
        }
        data.writeByte(END);
        data.writeLong(count);
        data.flush();
        int crc = (int) checked.getChecksum().getValue();
        new DataOutputStream(out).writeInt(crc);
        out.flush();
        return count;
    }

    /** Reads a whole stream and checks it, using nothing from it; returns its header. */
    public static Header verify(InputStream in, int group, int groups) throws IOException {
        Reader r = new Reader(in, group, groups);
        try {
            while (r.hasNext()) {
                r.next();
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return r.header();
    }

    /** Opens a stream for reading: the header is read and checked now, the entries as iterated. */
    public static Reader read(InputStream in, int group, int groups) throws IOException {
        return new Reader(in, group, groups);
    }

    /**
     * The entries of a stream. Iteration throws {@link UncheckedIOException} wrapping a {@link
     * MalformedSnapshotException} (or a read failure) when the stream turns out to be bad, at the
     * latest when the end is reached: only a stream iterated to its end without error is whole.
     */
    public static final class Reader implements Iterator<KvStore.RawEntry> {
        private final CheckedInputStream checked;
        private final DataInputStream data;
        private final InputStream raw;
        private final Header header;
        private final int[] shards;
        private byte[] previous;
        private KvStore.RawEntry next;
        private long count;
        private boolean ended;

        private Reader(InputStream in, int group, int groups) throws IOException {
            this.raw = in;
            this.checked = new CheckedInputStream(in, new CRC32C());
            this.data = new DataInputStream(checked);
            try {
                if (data.readInt() != MAGIC) {
                    throw new MalformedSnapshotException("not a MiniKV snapshot");
                }
                int version = data.readUnsignedByte();
                if (version != VERSION) {
                    throw new MalformedSnapshotException("unsupported version " + version);
                }
                header =
                        new Header(
                                data.readInt(),
                                data.readInt(),
                                data.readLong(),
                                data.readLong(),
                                data.readLong());
            } catch (EOFException e) {
                throw new MalformedSnapshotException("cut short in the header");
            }
            if (header.group() != group || header.groups() != groups) {
                throw new MalformedSnapshotException(
                        "holds group "
                                + header.group()
                                + " of "
                                + header.groups()
                                + ", expected "
                                + group
                                + " of "
                                + groups);
            }
            if (header.index() < 0 || header.term() < 0 || header.revision() < 0) {
                throw new MalformedSnapshotException("negative index, term or revision");
            }
            shards = new ShardLayout(groups).shardsOf(group);
        }

        public Header header() {
            return header;
        }

        /** Entries read so far. */
        public long count() {
            return count;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !ended) {
                try {
                    next = readNext();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return next != null;
        }

        @Override
        public KvStore.RawEntry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            KvStore.RawEntry e = next;
            next = null;
            return e;
        }

        private KvStore.RawEntry readNext() throws IOException {
            try {
                int tag = data.readUnsignedByte();
                if (tag == END) {
                    long declared = data.readLong();
                    int expected = (int) checked.getChecksum().getValue();
                    int crc = new DataInputStream(raw).readInt();
                    if (declared != count) {
                        throw new MalformedSnapshotException(
                                "declares " + declared + " entries but holds " + count);
                    }
                    if (crc != expected) {
                        throw new MalformedSnapshotException("checksum mismatch");
                    }
                    if (raw.read() != -1) {
                        throw new MalformedSnapshotException("data after the end");
                    }
                    ended = true;
                    return null;
                }
                if (tag != ENTRY) {
                    throw new MalformedSnapshotException("unknown record " + tag);
                }
                byte[] key = bytes(3, MAX_KEY, "key");
                byte[] value = bytes(VALUE_HEADER, MAX_VALUE, "value");
                if (!KvStore.inShards(key, shards)) {
                    throw new MalformedSnapshotException("a key outside the group's shards");
                }
                if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                    throw new MalformedSnapshotException("keys out of order");
                }
                if (value[0] != 1) {
                    throw new MalformedSnapshotException("unknown value format " + value[0]);
                }
                previous = key;
                count++;
                return new KvStore.RawEntry(key, value);
            } catch (EOFException e) {
                throw new MalformedSnapshotException("cut short after " + count + " entries");
            }
        }

        private byte[] bytes(int min, int max, String what) throws IOException {
            int length = data.readInt();
            if (length < min || length > max) {
                throw new MalformedSnapshotException(what + " length " + length);
            }
            byte[] b = new byte[length];
            data.readFully(b);
            return b;
        }
    }
}
