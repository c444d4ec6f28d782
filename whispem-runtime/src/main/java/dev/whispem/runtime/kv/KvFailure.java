package dev.whispem.runtime.kv;

/** A failed kv_* call; the message is the part after "F: " (docs/whispem/kv-extension.md §5). */
final class KvFailure extends Exception {
    KvFailure(String message) {
        super(message, null, false, false);
    }
}
