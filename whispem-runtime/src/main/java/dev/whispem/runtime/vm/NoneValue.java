package dev.whispem.runtime.vm;

/** The Whispem {@code none} value (SPEC §1); a singleton so that identity comparison works. */
public enum NoneValue {
    NONE;

    @Override
    public String toString() {
        return "";
    }
}
