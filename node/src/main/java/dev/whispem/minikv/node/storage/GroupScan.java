package dev.whispem.minikv.node.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Lists one tenant's live keys across several shards in key order: each shard is already sorted, so
 * the shards' scans are merged through a heap. A key lives in exactly one shard, so the merge never
 * sees duplicates.
 */
public final class GroupScan {
    private GroupScan() {}

    private record Head(KvStore.Entry entry, KvStore.Scan scan) {}

    /**
     * At most {@code limit} entries of {@code tenant} in {@code shards} with keys in {@code [lower,
     * upper)} (upper null = unbounded), skipping values expired at {@code nowMillis}.
     */
    public static List<KvStore.Entry> scan(
            KvStore store,
            int[] shards,
            String tenant,
            byte[] lower,
            byte[] upper,
            int limit,
            long nowMillis) {
        List<KvStore.Scan> scans = new ArrayList<>();
        try {
            PriorityQueue<Head> heads =
                    new PriorityQueue<>(
                            (a, b) ->
                                    Arrays.compareUnsigned(
                                            a.entry().key().key(), b.entry().key().key()));
            for (int shard : shards) {
                KvStore.Scan scan = store.scan(shard, tenant, lower, upper);
                scans.add(scan);
                advance(heads, scan);
            }
            List<KvStore.Entry> out = new ArrayList<>();
            while (!heads.isEmpty() && out.size() < limit) {
                Head h = heads.poll();
                advance(heads, h.scan());
                if (!h.entry().value().isExpiredAt(nowMillis)) {
                    out.add(h.entry());
                }
            }
            return out;
        } finally {
            scans.forEach(KvStore.Scan::close);
        }
    }

    private static void advance(PriorityQueue<Head> heads, KvStore.Scan scan) {
        if (scan.hasNext()) {
            heads.add(new Head(scan.next(), scan));
        }
    }
}
