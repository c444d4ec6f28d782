package dev.whispem.runtime.vm;

import java.util.List;

/**
 * A host function callable from Whispem by name, for embedders (for example the {@code kv_*}
 * functions). A named call resolves it last: after the builtins, a variable holding a function and
 * a named function of the same name (SPEC §7.9), so it never changes a program that defines the
 * name itself (docs/whispem/kv-extension.md §2).
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
