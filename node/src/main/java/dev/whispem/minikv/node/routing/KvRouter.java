package dev.whispem.minikv.node.routing;

import dev.whispem.minikv.node.replication.Command;
import dev.whispem.minikv.node.replication.GroupStateMachine;
import dev.whispem.minikv.node.replication.Outcome;
import dev.whispem.minikv.node.replication.Precondition;
import dev.whispem.minikv.node.replication.Replicator;
import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.KvStore;
import dev.whispem.minikv.node.storage.StoredValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Places each request on its shard and the shard's replication group, and runs it there: writes
 * become commands proposed to the group, reads wait for the group's read barrier and then read
 * local storage.
 */
public final class KvRouter {

    private final Replicator replicator;
    private final ShardLayout layout;
    private final LongSupplier clock;

    public KvRouter(Replicator replicator, ShardLayout layout, LongSupplier clock) {
        this.replicator = replicator;
        this.layout = layout;
        this.clock = clock;
    }

    public DataKey locate(String tenant, byte[] key) {
        return new DataKey(ShardHasher.shardOf(tenant, key), tenant, key);
    }

    public int groupOf(DataKey key) {
        return layout.groupOf(key.shard());
    }

    public ShardLayout layout() {
        return layout;
    }

    public CompletableFuture<Outcome> put(
            String tenant, byte[] key, byte[] value, long ttlSeconds, Precondition pre) {
        DataKey dk = locate(tenant, key);
        return replicator.submit(groupOf(dk), toCommand(dk, value, ttlSeconds, pre));
    }

    public CompletableFuture<Outcome> delete(String tenant, byte[] key, Precondition pre) {
        DataKey dk = locate(tenant, key);
        return replicator.submit(groupOf(dk), new Command.Delete(dk, pre));
    }

    public CompletableFuture<ReadResult> get(String tenant, byte[] key, Consistency consistency) {
        DataKey dk = locate(tenant, key);
        int group = groupOf(dk);
        return replicator
                .readBarrier(group, consistency == Consistency.LINEARIZABLE)
                .thenApply(
                        revision -> {
                            Optional<StoredValue> v =
                                    replicator.stateMachine(group).store().get(dk);
                            long now = clock.getAsLong();
                            return new ReadResult(v.filter(sv -> !sv.isExpiredAt(now)), revision);
                        });
    }

    /**
     * Runs a client batch. When every key is on one shard the batch is one atomic command;
     * otherwise each group receives its ops as one non-atomic command and results are per op.
     */
    public CompletableFuture<BatchResult> batch(String tenant, List<KvOp> ops) {
        List<DataKey> keys = new ArrayList<>(ops.size());
        for (KvOp op : ops) {
            keys.add(locate(tenant, op.keyBytes()));
        }
        boolean oneShard = keys.stream().map(DataKey::shard).distinct().count() <= 1;
        Map<Integer, List<Integer>> byGroup = new LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            byGroup.computeIfAbsent(groupOf(keys.get(i)), g -> new ArrayList<>()).add(i);
        }
        Outcome[] results = new Outcome[ops.size()];
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : byGroup.entrySet()) {
            List<Command> cmds = new ArrayList<>();
            for (int i : e.getValue()) {
                cmds.add(toCommand(keys.get(i), ops.get(i)));
            }
            parts.add(
                    replicator
                            .submit(e.getKey(), new Command.Batch(cmds, oneShard))
                            .thenAccept(
                                    outcome -> {
                                        List<Outcome> r =
                                                ((Outcome.BatchApplied) outcome).results();
                                        for (int j = 0; j < r.size(); j++) {
                                            results[e.getValue().get(j)] = r.get(j);
                                        }
                                    }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> new BatchResult(List.of(results), oneShard));
    }

    /** Outcomes of a client batch in request order. */
    public record BatchResult(List<Outcome> results, boolean atomic) {}

    private Command toCommand(DataKey dk, KvOp op) {
        return switch (op) {
            case KvOp.Put p -> toCommand(dk, p.value(), p.ttlSeconds(), p.precondition());
            case KvOp.Delete d -> new Command.Delete(dk, d.precondition());
        };
    }

    private Command toCommand(DataKey dk, byte[] value, long ttlSeconds, Precondition pre) {
        long expires = ttlSeconds > 0 ? clock.getAsLong() + ttlSeconds * 1000 : 0;
        return new Command.Put(dk, value, expires, pre);
    }

    /** Lists keys in order across all shards. */
    public CompletableFuture<ListPage> list(ListRequest req) {
        List<CompletableFuture<Long>> barriers = new ArrayList<>();
        for (int g = 0; g < layout.groups(); g++) {
            barriers.add(replicator.readBarrier(g, req.consistency() == Consistency.LINEARIZABLE));
        }
        return CompletableFuture.allOf(barriers.toArray(CompletableFuture[]::new))
                .thenApply(v -> listLocal(req));
    }

    private ListPage listLocal(ListRequest req) {
        byte[] lower = max(req.prefix(), req.start());
        if (req.after() != null) {
            lower = max(lower, successor(req.after()));
        }
        byte[] upper = minUpper(prefixEnd(req.prefix()), req.end());
        if (upper != null && Arrays.compareUnsigned(lower, upper) >= 0) {
            return new ListPage(List.of(), null);
        }
        long now = clock.getAsLong();
        List<KvStore.Scan> scans = new ArrayList<>();
        try {
            PriorityQueue<Head> heads =
                    new PriorityQueue<>((a, b) -> Arrays.compareUnsigned(a.key(), b.key()));
            for (int shard = 0; shard < ShardHasher.SHARDS; shard++) {
                GroupStateMachine sm = replicator.stateMachine(layout.groupOf(shard));
                KvStore.Scan scan = sm.store().scan(shard, req.tenant(), lower, upper);
                scans.add(scan);
                advance(heads, scan);
            }
            List<ListPage.Item> items = new ArrayList<>();
            while (!heads.isEmpty()) {
                Head h = heads.poll();
                advance(heads, h.scan());
                StoredValue v = h.entry().value();
                if (v.isExpiredAt(now)) {
                    continue;
                }
                if (items.size() == req.limit()) {
                    return new ListPage(items, items.get(items.size() - 1).key());
                }
                items.add(
                        new ListPage.Item(
                                h.key(),
                                v.version(),
                                v.expiresAtMillis(),
                                req.withValues() ? v.value() : null));
            }
            return new ListPage(items, null);
        } finally {
            scans.forEach(KvStore.Scan::close);
        }
    }

    private record Head(byte[] key, KvStore.Entry entry, KvStore.Scan scan) {}

    private static void advance(PriorityQueue<Head> heads, KvStore.Scan scan) {
        if (scan.hasNext()) {
            KvStore.Entry e = scan.next();
            heads.add(new Head(e.key().key(), e, scan));
        }
    }

    static byte[] successor(byte[] key) {
        return Arrays.copyOf(key, key.length + 1);
    }

    /** The smallest key greater than every key with {@code prefix}; null when there is none. */
    static byte[] prefixEnd(byte[] prefix) {
        if (prefix == null || prefix.length == 0) {
            return null;
        }
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xFF) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return null;
    }

    private static byte[] max(byte[] a, byte[] b) {
        if (a == null) {
            return b == null ? new byte[0] : b;
        }
        if (b == null) {
            return a;
        }
        return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static byte[] minUpper(byte[] a, byte[] b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
