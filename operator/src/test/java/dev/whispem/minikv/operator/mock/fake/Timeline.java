package dev.whispem.minikv.operator.mock.fake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** What the fakes saw happen in one namespace, in order: admin calls, pod deletions, resizes. */
public final class Timeline {
    private static final Map<String, Timeline> BY_NAMESPACE = new ConcurrentHashMap<>();

    private final List<String> entries = new ArrayList<>();

    public static Timeline of(String namespace) {
        return BY_NAMESPACE.computeIfAbsent(namespace, n -> new Timeline());
    }

    public synchronized void add(String entry) {
        entries.add(entry);
    }

    public synchronized List<String> entries() {
        return List.copyOf(entries);
    }

    /** Entries starting with one of the prefixes, in order. */
    public synchronized List<String> matching(String... prefixes) {
        return entries.stream()
                .filter(e -> java.util.Arrays.stream(prefixes).anyMatch(e::startsWith))
                .toList();
    }
}
