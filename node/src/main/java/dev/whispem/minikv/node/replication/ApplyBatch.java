package dev.whispem.minikv.node.replication;

import dev.whispem.minikv.node.storage.DataKey;
import dev.whispem.minikv.node.storage.KvStore;
import dev.whispem.minikv.node.storage.StoredValue;
import dev.whispem.minikv.node.storage.WriteSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Commands applied together and written to storage in one atomic {@link WriteSet}. Reads see the
 * writes of earlier commands of the same batch, so applying a batch equals applying its commands
 * one by one.
 */
public final class ApplyBatch {

    private final KvStore store;
    private final WriteSet writes = new WriteSet();
    private final Map<DataKey, Optional<StoredValue>> overlay = new HashMap<>();
    private List<Runnable> afterCommit;

    public ApplyBatch(KvStore store) {
        this.store = store;
    }

    Optional<StoredValue> read(DataKey key) {
        Optional<StoredValue> pending = overlay.get(key);
        return pending != null ? pending : store.get(key);
    }

    void put(DataKey key, StoredValue value) {
        overlay.put(key, Optional.of(value));
        writes.put(key, value);
    }

    void delete(DataKey key) {
        overlay.put(key, Optional.empty());
        writes.delete(key);
    }

    void counter(String name, long value) {
        writes.counter(name, value);
    }

    /** Runs {@code action} once the batch is in storage. */
    void afterCommit(Runnable action) {
        if (afterCommit == null) {
            afterCommit = new ArrayList<>(2);
        }
        afterCommit.add(action);
    }

    /** Writes everything applied so far; {@code sync} forces it to disk first. */
    public void commit(boolean sync) {
        if (!writes.isEmpty()) {
            store.write(writes, sync);
        }
        if (afterCommit != null) {
            afterCommit.forEach(Runnable::run);
            afterCommit = null;
        }
    }
}
