package dev.whispem.minikv.node.routing;

import dev.whispem.minikv.node.replication.Command;
import dev.whispem.minikv.node.replication.IdempotencyRecords;
import dev.whispem.minikv.node.replication.Outcome;
import dev.whispem.minikv.node.replication.Precondition;
import dev.whispem.minikv.node.replication.ReadQuery;
import dev.whispem.minikv.node.replication.Replicator;
import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.GroupScan;
import dev.whispem.minikv.node.storage.KvStore;
import dev.whispem.minikv.node.storage.StoredValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private final long idempotencyWindowMillis;

    /**
     * @param idempotencyWindowMillis how long the outcome of a write sent with an idempotency key
     *     answers retries of it
     */
    public KvRouter(
            Replicator replicator,
            ShardLayout layout,
            LongSupplier clock,
            long idempotencyWindowMillis) {
        if (idempotencyWindowMillis < 1000) {
            throw new IllegalArgumentException(
                    "minikv.idempotency.window must be at least 1s, got "
                            + idempotencyWindowMillis
                            + " ms");
        }
        this.replicator = replicator;
        this.layout = layout;
        this.clock = clock;
        this.idempotencyWindowMillis = idempotencyWindowMillis;
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

    /** A put, applied at most once for {@code once} unless it is null (decision 0125). */
    public CompletableFuture<Outcome> put(
            String tenant,
            byte[] key,
            byte[] value,
            long ttlSeconds,
            Precondition pre,
            Idempotency once) {
        DataKey dk = locate(tenant, key);
        return replicator.submit(
                groupOf(dk), atMostOnce(dk, once, toCommand(dk, value, ttlSeconds, pre)));
    }

    /** A delete, applied at most once for {@code once} unless it is null (decision 0125). */
    public CompletableFuture<Outcome> delete(
            String tenant, byte[] key, Precondition pre, Idempotency once) {
        DataKey dk = locate(tenant, key);
        return replicator.submit(groupOf(dk), atMostOnce(dk, once, new Command.Delete(dk, pre)));
    }

    /**
     * {@code command} wrapped so that it applies once for {@code once}, with the record in the
     * shard of {@code first}, the command's first key; {@code command} as it is when {@code once}
     * is null.
     */
    private Command atMostOnce(DataKey first, Idempotency once, Command command) {
        if (once == null) {
            return command;
        }
        return new Command.Idempotent(
                IdempotencyRecords.key(first.shard(), first.tenant(), once.key()),
                once.fingerprint(),
                clock.getAsLong() + idempotencyWindowMillis,
                command);
    }

    public CompletableFuture<ReadResult> get(String tenant, byte[] key, Consistency consistency) {
        DataKey dk = locate(tenant, key);
        int group = groupOf(dk);
        if (!replicator.hosts(group)) {
            return replicator
                    .query(group, ReadQuery.encode(new ReadQuery.Get(dk)))
                    .thenApply(
                            bytes -> {
                                ReadQuery.Value v = ReadQuery.decodeValue(bytes);
                                long now = clock.getAsLong();
                                return new ReadResult(
                                        v.value().filter(sv -> !sv.isExpiredAt(now)), v.revision());
                            });
        }
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
     * otherwise each group receives its ops as one non-atomic command and results are per op. With
     * {@code once} (decision 0125) each group's part keeps its own record, in the shard of its
     * first key, so a retry after a partial failure applies only the parts that did not apply;
     * whether any part replayed is in the result.
     */
    public CompletableFuture<BatchResult> batch(String tenant, List<KvOp> ops, Idempotency once) {
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
        java.util.concurrent.atomic.AtomicBoolean replayed =
                new java.util.concurrent.atomic.AtomicBoolean();
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Map.Entry<Integer, List<Integer>> e : byGroup.entrySet()) {
            List<Command> cmds = new ArrayList<>();
            for (int i : e.getValue()) {
                cmds.add(toCommand(keys.get(i), ops.get(i)));
            }
            DataKey first = keys.get(e.getValue().get(0));
            parts.add(
                    replicator
                            .submit(
                                    e.getKey(),
                                    atMostOnce(first, once, new Command.Batch(cmds, oneShard)))
                            .thenAccept(
                                    outcome -> {
                                        Outcome part = outcome;
                                        if (part instanceof Outcome.Replayed r) {
                                            replayed.set(true);
                                            part = r.original();
                                        }
                                        if (part instanceof Outcome.IdempotencyKeyReused) {
                                            throw new IdempotencyKeyReusedException();
                                        }
                                        List<Outcome> r = ((Outcome.BatchApplied) part).results();
                                        for (int j = 0; j < r.size(); j++) {
                                            results[e.getValue().get(j)] = r.get(j);
                                        }
                                    }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(v -> new BatchResult(List.of(results), oneShard, replayed.get()));
    }

    /**
     * Outcomes of a client batch in request order; {@code replayed} when an idempotency key's
     * stored outcome answered some of it.
     */
    public record BatchResult(List<Outcome> results, boolean atomic, boolean replayed) {}

    /** A batch's idempotency key was used for a different request within its window. */
    public static final class IdempotencyKeyReusedException extends RuntimeException {
        public IdempotencyKeyReusedException() {
            super("the idempotency key was used for a different request", null, false, false);
        }
    }

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

    /**
     * Lists keys in order across all shards: each group lists its own shards (locally after its
     * read barrier, or through Raft on a group hosted elsewhere), and the groups' sorted pages are
     * merged.
     */
    public CompletableFuture<ListPage> list(ListRequest req) {
        byte[] lower = max(req.prefix(), req.start());
        if (req.after() != null) {
            lower = max(lower, successor(req.after()));
        }
        byte[] upper = minUpper(prefixEnd(req.prefix()), req.end());
        if (upper != null && Arrays.compareUnsigned(lower, upper) >= 0) {
            return CompletableFuture.completedFuture(new ListPage(List.of(), null));
        }
        long now = clock.getAsLong();
        int limit = req.limit() + 1; // one more than a page tells whether there is a next page
        List<CompletableFuture<List<KvStore.Entry>>> parts = new ArrayList<>();
        for (int g = 0; g < layout.groups(); g++) {
            parts.add(listGroup(g, req, lower, upper, limit, now));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
                .thenApply(
                        v -> {
                            List<KvStore.Entry> all = new ArrayList<>();
                            parts.forEach(p -> all.addAll(p.join()));
                            all.sort(
                                    (a, b) -> Arrays.compareUnsigned(a.key().key(), b.key().key()));
                            return page(all, req);
                        });
    }

    private CompletableFuture<List<KvStore.Entry>> listGroup(
            int group, ListRequest req, byte[] lower, byte[] upper, int limit, long now) {
        if (!replicator.hosts(group)) {
            var query = new ReadQuery.Scan(layout.groups(), now, limit, req.tenant(), lower, upper);
            return replicator
                    .query(group, ReadQuery.encode(query))
                    .thenApply(bytes -> ReadQuery.decodeEntries(bytes, req.tenant()).entries());
        }
        return replicator
                .readBarrier(group, req.consistency() == Consistency.LINEARIZABLE)
                .thenApply(
                        revision ->
                                GroupScan.scan(
                                        replicator.stateMachine(group).store(),
                                        layout.shardsOf(group),
                                        req.tenant(),
                                        lower,
                                        upper,
                                        limit,
                                        now));
    }

    private static ListPage page(List<KvStore.Entry> sorted, ListRequest req) {
        List<ListPage.Item> items = new ArrayList<>();
        for (KvStore.Entry e : sorted) {
            if (items.size() == req.limit()) {
                return new ListPage(items, items.get(items.size() - 1).key());
            }
            StoredValue v = e.value();
            items.add(
                    new ListPage.Item(
                            e.key().key(),
                            v.version(),
                            v.expiresAtMillis(),
                            req.withValues() ? v.value() : null));
        }
        return new ListPage(items, null);
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
