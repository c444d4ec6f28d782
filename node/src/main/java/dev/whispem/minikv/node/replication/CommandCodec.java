package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.storage.DataKey;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary encoding of proposals and outcomes carried by the replication log.
 *
 * <p>Layout: {@code format version (1 byte, = 1) | nowMillis (8) | command}, where a command is a
 * tag byte ({@code 1} put, {@code 2} delete, {@code 3} batch, {@code 4} idempotent: record key,
 * fingerprint, expiry and the command it wraps) and its fields. A release that predates a tag
 * cannot apply entries carrying it, so tag 4 is only written while idempotency keys are enabled
 * (decision 0125). Unknown versions or tags are rejected rather than guessed. A list of proposals
 * (several coalesced into one log entry) is {@code 0xC0 | count (4) | proposal...}.
 */
public final class CommandCodec {

    private static final byte FORMAT_V1 = 1;
    private static final byte MULTI = (byte) 0xC0;
    private static final byte PUT = 1;
    private static final byte DELETE = 2;
    private static final byte BATCH = 3;
    private static final byte IDEMPOTENT = 4;

    private CommandCodec() {}

    public static byte[] encode(Command.Proposal p) {
        return encodeAll(List.of(p));
    }

    /** Encodes several proposals as one payload; a single proposal is encoded on its own. */
    public static byte[] encodeAll(List<Command.Proposal> proposals) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (proposals.size() != 1) {
                out.writeByte(MULTI);
                out.writeInt(proposals.size());
            }
            for (Command.Proposal p : proposals) {
                out.writeByte(FORMAT_V1);
                out.writeLong(p.nowMillis());
                writeCommand(out, p.command());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static List<Command.Proposal> decodeAll(byte[] payload) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
            if (payload.length > 0 && payload[0] == MULTI) {
                in.readByte();
                int n = in.readInt();
                List<Command.Proposal> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(readProposal(in));
                }
                return out;
            }
            return List.of(readProposal(in));
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed command payload", e);
        }
    }

    private static Command.Proposal readProposal(DataInputStream in) throws IOException {
        byte format = in.readByte();
        if (format != FORMAT_V1) {
            throw new IllegalArgumentException("unknown command format " + format);
        }
        long now = in.readLong();
        return new Command.Proposal(now, readCommand(in));
    }

    private static void writeCommand(DataOutputStream out, Command c) throws IOException {
        switch (c) {
            case Command.Put put -> {
                out.writeByte(PUT);
                writeKey(out, put.key());
                writeBytes(out, put.value());
                out.writeLong(put.expiresAtMillis());
                writePrecondition(out, put.precondition());
            }
            case Command.Delete del -> {
                out.writeByte(DELETE);
                writeKey(out, del.key());
                writePrecondition(out, del.precondition());
            }
            case Command.Batch batch -> {
                out.writeByte(BATCH);
                out.writeBoolean(batch.atomic());
                out.writeInt(batch.ops().size());
                for (Command op : batch.ops()) {
                    writeCommand(out, op);
                }
            }
            case Command.Idempotent idem -> {
                out.writeByte(IDEMPOTENT);
                writeKey(out, idem.record());
                writeBytes(out, idem.fingerprint());
                out.writeLong(idem.expiresAtMillis());
                writeCommand(out, idem.command());
            }
        }
    }

    private static Command readCommand(DataInputStream in) throws IOException {
        byte tag = in.readByte();
        return switch (tag) {
            case PUT ->
                    new Command.Put(
                            readKey(in), readBytes(in), in.readLong(), readPrecondition(in));
            case DELETE -> new Command.Delete(readKey(in), readPrecondition(in));
            case BATCH -> {
                boolean atomic = in.readBoolean();
                int n = in.readInt();
                List<Command> ops = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    ops.add(readCommand(in));
                }
                yield new Command.Batch(ops, atomic);
            }
            case IDEMPOTENT -> {
                DataKey record = readKey(in);
                byte[] fingerprint = readBytes(in);
                long expires = in.readLong();
                yield new Command.Idempotent(record, fingerprint, expires, readCommand(in));
            }
            default -> throw new IOException("unknown command tag " + tag);
        };
    }

    private static void writeKey(DataOutputStream out, DataKey key) throws IOException {
        out.writeByte(key.shard());
        out.writeUTF(key.tenant());
        writeBytes(out, key.key());
    }

    private static DataKey readKey(DataInputStream in) throws IOException {
        int shard = in.readUnsignedByte();
        String tenant = in.readUTF();
        return new DataKey(shard, tenant, readBytes(in));
    }

    private static void writePrecondition(DataOutputStream out, Precondition p) throws IOException {
        out.writeByte(p.kind().ordinal());
        out.writeLong(p.version());
    }

    private static Precondition readPrecondition(DataInputStream in) throws IOException {
        int kind = in.readUnsignedByte();
        Precondition.Kind[] kinds = Precondition.Kind.values();
        if (kind >= kinds.length) {
            throw new IOException("unknown precondition " + kind);
        }
        return new Precondition(kinds[kind], in.readLong());
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 64 * 1024 * 1024) {
            throw new IOException("bad length " + n);
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }
}
