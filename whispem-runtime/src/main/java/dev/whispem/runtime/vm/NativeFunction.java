package dev.whispem.runtime.vm;

import java.util.List;

/**
 * A host function callable from Whispem by name, for embedders (for example {@code kv_*}
 * functions). Core builtins are resolved first and cannot be overridden (SPEC §7.9).
 */
@FunctionalInterface
public interface NativeFunction {
    /**
     * Computes the result from the argument values (see {@link Values} for the representation). To
     * fail, throw {@link WhispemError}; with {@link WhispemError#NO_LINE} the VM reports it at the
     * line of the call.
     */
    Object call(List<Object> args);
}
