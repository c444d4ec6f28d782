package dev.whispem.minikv.node.storage;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/** A volatile store for tests and for trying the API; same key order and semantics as RocksDB. */
public final class InMemoryKvStore implements KvStore {

    private final ConcurrentSkipListMap<byte[], byte[]> data =
            new ConcurrentSkipListMap<>(Arrays::compareUnsigned);
    private final Map<String, Long> counters = new ConcurrentHashMap<>();

    @Override
    public Optional<StoredValue> get(DataKey key) {
        byte[] v = data.get(key.encode());
        return v == null ? Optional.empty() : Optional.of(StoredValue.decode(v));
    }

    @Override
    public synchronized void write(WriteSet writes, boolean sync) {
        for (WriteSet.Mutation m : writes.mutations()) {
            if (m.value() == null) {
                data.remove(m.key().encode());
            } else {
                data.put(m.key().encode(), m.value().encode());
            }
        }
        counters.putAll(writes.counters());
    }

    @Override
    public synchronized void deleteShards(int[] shards, java.util.List<String> names) {
        for (int shard : shards) {
            data.subMap(DataKey.shardStart(shard), DataKey.shardEnd(shard)).clear();
        }
        names.forEach(n -> counters.put(n, 0L));
    }

    @Override
    public void flush() {}

    @Override
    public synchronized View view() {
        // Writers hold this lock, so the copy is one point in time.
        ConcurrentSkipListMap<byte[], byte[]> copy = data.clone();
        Map<String, Long> counterCopy = Map.copyOf(counters);
        return new View() {
            @Override
            public long counter(String name) {
                return counterCopy.getOrDefault(name, 0L);
            }

            @Override
            public Iterator<RawEntry> shard(int shard, byte[] from) {
                Iterator<Map.Entry<byte[], byte[]>> it =
                        copy.subMap(from, DataKey.shardEnd(shard)).entrySet().iterator();
                return new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return it.hasNext();
                    }

                    @Override
                    public RawEntry next() {
                        Map.Entry<byte[], byte[]> e = it.next();
                        return new RawEntry(e.getKey(), e.getValue());
                    }
                };
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public synchronized void replaceShards(
            int[] shards, Iterator<RawEntry> entries, Map<String, Long> newCounters) {
        for (int shard : shards) {
            data.subMap(DataKey.shardStart(shard), DataKey.shardEnd(shard)).clear();
        }
        while (entries.hasNext()) {
            RawEntry e = entries.next();
            if (!KvStore.inShards(e.key(), shards)) {
                throw new IllegalArgumentException("entry outside the replaced shards");
            }
            data.put(e.key(), e.value());
        }
        counters.putAll(newCounters);
    }

    @Override
    public long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    @Override
    public Scan scan(int shard, String tenant, byte[] fromInclusive, byte[] toExclusive) {
        byte[] from = DataKey.encode(shard, tenant, fromInclusive);
        byte[] to =
                toExclusive == null
                        ? DataKey.tenantEnd(shard, tenant)
                        : DataKey.encode(shard, tenant, toExclusive);
        if (Arrays.compareUnsigned(from, to) >= 0) {
            to = from;
        }
        ConcurrentNavigableMap<byte[], byte[]> range = data.subMap(from, true, to, false);
        Iterator<Map.Entry<byte[], byte[]>> it = range.entrySet().iterator();
        return new Scan() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Entry next() {
                Map.Entry<byte[], byte[]> e = it.next();
                return new Entry(DataKey.decode(e.getKey()), StoredValue.decode(e.getValue()));
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void close() {}
}
