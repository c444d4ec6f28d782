package dev.whispem.minikv.node.storage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Mutations written atomically in one storage batch: data puts and deletes plus named counters
 * (such as a group's applied index), so the data and the index it reflects can never disagree after
 * a crash.
 */
public final class WriteSet {

    /** One data mutation; a null value is a delete. */
    public record Mutation(DataKey key, StoredValue value) {}

    private final List<Mutation> mutations = new ArrayList<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();

    public WriteSet put(DataKey key, StoredValue value) {
        mutations.add(new Mutation(key, value));
        return this;
    }

    public WriteSet delete(DataKey key) {
        mutations.add(new Mutation(key, null));
        return this;
    }

    public WriteSet counter(String name, long value) {
        counters.put(name, value);
        return this;
    }

    public List<Mutation> mutations() {
        return mutations;
    }

    public Map<String, Long> counters() {
        return counters;
    }

    public boolean isEmpty() {
        return mutations.isEmpty() && counters.isEmpty();
    }
}
