package dev.whispem.minikv.node.replication;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Binary encoding of the outcomes of one log entry, returned in the Raft reply so that a proposer
 * on another node learns them. Layout: {@code count (4) | outcome...}; an outcome is a tag byte and
 * its longs; a batch outcome nests its per-op outcomes, a replayed one the outcome it replays.
 */
public final class OutcomeCodec {

    private static final byte WRITTEN = 1;
    private static final byte DELETED = 2;
    private static final byte PRECONDITION_FAILED = 3;
    private static final byte NOT_APPLIED = 4;
    private static final byte BATCH = 5;
    private static final byte REPLAYED = 6;
    private static final byte KEY_REUSED = 7;

    private OutcomeCodec() {}

    public static byte[] encode(List<Outcome> outcomes) {
        ByteBuffer b = ByteBuffer.allocate(size(outcomes) + 4);
        b.putInt(outcomes.size());
        for (Outcome o : outcomes) {
            write(b, o);
        }
        return b.array();
    }

    public static List<Outcome> decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int n = b.getInt();
        List<Outcome> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(read(b));
        }
        return out;
    }

    private static int size(List<Outcome> outcomes) {
        int n = 0;
        for (Outcome o : outcomes) {
            n += 17;
            if (o instanceof Outcome.BatchApplied b) {
                n += 5 + size(b.results());
            } else if (o instanceof Outcome.Replayed r) {
                n += size(List.of(r.original()));
            }
        }
        return n;
    }

    private static void write(ByteBuffer b, Outcome o) {
        switch (o) {
            case Outcome.Written w -> b.put(WRITTEN).putLong(w.version()).putLong(w.revision());
            case Outcome.Deleted d ->
                    b.put(DELETED).putLong(d.existed() ? 1 : 0).putLong(d.revision());
            case Outcome.PreconditionFailed f ->
                    b.put(PRECONDITION_FAILED).putLong(f.currentVersion()).putLong(f.revision());
            case Outcome.NotApplied n -> b.put(NOT_APPLIED).putLong(0).putLong(n.revision());
            case Outcome.BatchApplied batch -> {
                b.put(BATCH).putLong(batch.committed() ? 1 : 0).putLong(batch.revision());
                b.put((byte) 0).putInt(batch.results().size());
                for (Outcome r : batch.results()) {
                    write(b, r);
                }
            }
            case Outcome.Replayed r -> {
                b.put(REPLAYED).putLong(0).putLong(r.revision());
                write(b, r.original());
            }
            case Outcome.IdempotencyKeyReused k ->
                    b.put(KEY_REUSED).putLong(0).putLong(k.revision());
        }
    }

    private static Outcome read(ByteBuffer b) {
        byte tag = b.get();
        long a = b.getLong();
        long revision = b.getLong();
        return switch (tag) {
            case WRITTEN -> new Outcome.Written(a, revision);
            case DELETED -> new Outcome.Deleted(a == 1, revision);
            case PRECONDITION_FAILED -> new Outcome.PreconditionFailed(a, revision);
            case NOT_APPLIED -> new Outcome.NotApplied(revision);
            case BATCH -> {
                b.get();
                int n = b.getInt();
                List<Outcome> results = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    results.add(read(b));
                }
                yield new Outcome.BatchApplied(results, a == 1, revision);
            }
            case REPLAYED -> new Outcome.Replayed(read(b));
            case KEY_REUSED -> new Outcome.IdempotencyKeyReused(revision);
            default -> throw new IllegalArgumentException("unknown outcome tag " + tag);
        };
    }
}
