package dev.whispem.minikv.node.replication;

/**
 * An entry that was not applied and never will be, so it may be sent again (to whoever leads next)
 * without any risk of applying it twice: the leader refused it before its log took it, because it
 * was handing leadership over (decision 0121), or it was in the log of a leader that stepped down
 * and the next leader's log has another entry at its index (decision 0123), or a member's forward
 * to the leader failed unsent. Unlike an entry whose outcome is unknown.
 */
final class NeverApplied extends IllegalStateException {

    NeverApplied(String message) {
        super(message);
    }

    /** Whether {@code error} is such a refusal, however wrapped. */
    static boolean in(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof NeverApplied) {
                return true;
            }
        }
        return false;
    }

    static NeverApplied handingOver(int group) {
        return new NeverApplied(
                "group " + group + " is handing leadership over and took no new entry");
    }

    static NeverApplied unsent(int group, String leader) {
        return new NeverApplied(
                "group "
                        + group
                        + ": the client to the leader "
                        + leader
                        + " had closed, and the commands were not sent");
    }

    static NeverApplied dropped(int group) {
        return new NeverApplied(
                "group "
                        + group
                        + " changed leader before the entry committed, and the next leader's log"
                        + " has another entry in its place");
    }
}
