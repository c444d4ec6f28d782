package dev.whispem.runtime.vm;

import java.util.Arrays;

/**
 * An array value. Instances are never modified after construction: "modifying" operations build a
 * new array, which gives the value semantics of SPEC §7.11 without any copy on assignment.
 */
public final class WArray {
    static final WArray EMPTY = new WArray(new Object[0]);

    private final Object[] items;

    /** Takes ownership of {@code items}; callers must not modify the array afterwards. */
    WArray(Object[] items) {
        this.items = items;
    }

    /**
     * A new array holding copies of the given element references, for host functions (the elements
     * must be Whispem values, see {@link Values}).
     */
    public static WArray of(java.util.List<?> items) {
        return new WArray(items.toArray());
    }

    public int size() {
        return items.length;
    }

    public Object get(int index) {
        return items[index];
    }

    WArray with(int index, Object value) {
        Object[] copy = items.clone();
        copy[index] = value;
        return new WArray(copy);
    }

    WArray append(Object value) {
        Object[] copy = Arrays.copyOf(items, items.length + 1);
        copy[items.length] = value;
        return new WArray(copy);
    }

    WArray range(int from, int to) {
        return new WArray(Arrays.copyOfRange(items, from, to));
    }

    WArray reversed() {
        Object[] copy = new Object[items.length];
        for (int i = 0; i < items.length; i++) {
            copy[i] = items[items.length - 1 - i];
        }
        return new WArray(copy);
    }
}
