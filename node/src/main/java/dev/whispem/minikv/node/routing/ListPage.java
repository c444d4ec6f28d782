package dev.whispem.minikv.node.routing;

import java.util.List;

/** One page of a key listing, in key order; {@code nextCursor} is null on the last page. */
public record ListPage(List<Item> items, byte[] nextCursor) {

    public record Item(byte[] key, long version, long expiresAtMillis, byte[] value) {}
}
