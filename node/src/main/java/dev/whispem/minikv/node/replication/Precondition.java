package dev.whispem.minikv.node.replication;

/** A condition on the current state of a key that a write requires. */
public record Precondition(Kind kind, long version) {

    public enum Kind {
        /** Unconditional. */
        NONE,
        /** The key exists with exactly this version ({@code If-Match}). */
        VERSION_EQUALS,
        /** The key does not exist ({@code If-None-Match: *}). */
        ABSENT,
        /** The key exists, whatever its version ({@code If-Match: *}). */
        EXISTS
    }

    public static final Precondition NONE = new Precondition(Kind.NONE, 0);
    public static final Precondition ABSENT = new Precondition(Kind.ABSENT, 0);
    public static final Precondition EXISTS = new Precondition(Kind.EXISTS, 0);

    public static Precondition versionEquals(long version) {
        return new Precondition(Kind.VERSION_EQUALS, version);
    }

    /** Whether this holds whatever the key's state, so nobody needs to read it. */
    public boolean isUnconditional() {
        return kind == Kind.NONE;
    }

    /** Whether a key whose current version is {@code current} (0 = absent) satisfies this. */
    public boolean holdsFor(long current) {
        return switch (kind) {
            case NONE -> true;
            case VERSION_EQUALS -> current != 0 && current == version;
            case ABSENT -> current == 0;
            case EXISTS -> current != 0;
        };
    }
}
