package dev.whispem.minikv.node.routing;

/**
 * A key listing: keys with {@code prefix} (may be empty) in {@code [start, end)} (either may be
 * null), strictly after {@code after} (the cursor; null on the first page), at most {@code limit}.
 */
public record ListRequest(
        String tenant,
        byte[] prefix,
        byte[] start,
        byte[] end,
        byte[] after,
        int limit,
        boolean withValues,
        Consistency consistency) {}
