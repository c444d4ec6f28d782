package dev.whispem.runtime.vm;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A dict value (string keys). Like {@link WArray} it is immutable once built; order is never
 * observable except through the code-point sorting of {@code keys}, {@code values} and printing.
 */
public final class WDict {
    private final Map<String, Object> entries;

    /** Takes ownership of {@code entries}. */
    WDict(Map<String, Object> entries) {
        this.entries = entries;
    }

    public int size() {
        return entries.size();
    }

    public Object get(String key) {
        return entries.get(key);
    }

    public boolean containsKey(String key) {
        return entries.containsKey(key);
    }

    WDict with(String key, Object value) {
        Map<String, Object> copy = new HashMap<>(entries);
        copy.put(key, value);
        return new WDict(copy);
    }

    /** Keys sorted by code point (SPEC §9 {@code keys}). */
    List<String> sortedKeys() {
        List<String> keys = new ArrayList<>(entries.keySet());
        keys.sort(CodePoints::compare);
        return keys;
    }

    Map<String, Object> entries() {
        return entries;
    }
}
