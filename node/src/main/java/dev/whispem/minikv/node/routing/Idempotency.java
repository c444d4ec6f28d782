package dev.whispem.minikv.node.routing;

/**
 * A client's idempotency key for one write request, and the fingerprint of that request (a hash of
 * everything that decides what the write does), so that a retry is recognised and a different
 * request under the same key is refused (decision 0125).
 */
public record Idempotency(String key, byte[] fingerprint) {}
