package dev.whispem.minikv.node.replication;

/**
 * The leader refused an entry before its log took it, because it is handing leadership over:
 * nothing was proposed, so the entry may be sent again (to whoever leads next) without any risk of
 * applying it twice. Unlike a "not leader" answer to a pending entry, whose outcome is unknown.
 */
final class RefusedBeforeLog extends IllegalStateException {

    RefusedBeforeLog(String message) {
        super(message);
    }

    /** Whether {@code error} is such a refusal, however wrapped. */
    static boolean in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RefusedBeforeLog) {
                return true;
            }
        }
        return false;
    }

    static RefusedBeforeLog handingOver(int group) {
        return new RefusedBeforeLog(
                "group " + group + " is handing leadership over and took no new entry");
    }
}
