package dev.whispem.runtime.vm;

/** Non-error ways a program stops early; both unwind through nested map/filter/reduce calls. */
final class Signals {
    private Signals() {}

    /** HALT executed, or RETURN from the main frame (D2): normal end, status 0. */
    static final class Halt extends RuntimeException {
        Halt() {
            super(null, null, false, false);
        }
    }

    /** {@code exit(code)}: stop with the given process status. */
    static final class Exit extends RuntimeException {
        final int status;

        Exit(int status) {
            super(null, null, false, false);
            this.status = status;
        }
    }
}
