package dev.whispem.runtime.compiler;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Compile-time state of the chunk being generated: its locals, captures and open loops. */
final class FunctionContext {
    enum Kind {
        MAIN,
        NAMED,
        LAMBDA
    }

    /** One MAKE_CLOSURE descriptor: a name of the enclosing frame, or a slot of its own cells. */
    record Capture(String name, boolean isLocal, int enclosingSlot) {}

    /** Jumps to patch when a loop ends; {@code continueTarget} is -1 until it is known. */
    static final class Loop {
        final List<Integer> breaks = new ArrayList<>();
        final List<Integer> continues = new ArrayList<>();
        final int continueTarget;

        Loop(int continueTarget) {
            this.continueTarget = continueTarget;
        }
    }

    final Kind kind;
    final ChunkBuilder chunk;
    final FunctionContext enclosing;

    /** Parameters plus every {@code let} target compiled so far (SPEC §5.3). */
    final Set<String> locals = new HashSet<>();

    /** Captured names in slot order (SPEC §15.7). */
    final List<Capture> captures = new ArrayList<>();

    final Deque<Loop> loops = new ArrayDeque<>();
    int line;

    FunctionContext(Kind kind, ChunkBuilder chunk, FunctionContext enclosing, int line) {
        this.kind = kind;
        this.chunk = chunk;
        this.enclosing = enclosing;
        this.line = line;
    }

    int captureSlot(String name) {
        for (int i = 0; i < captures.size(); i++) {
            if (captures.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The slot of {@code name} among this lambda's captures, adding it (and relaying it through
     * enclosing lambdas) when an enclosing function has it as a compile-time local; -1 otherwise.
     */
    int resolveCapture(String name) {
        if (kind != Kind.LAMBDA) {
            return -1;
        }
        int existing = captureSlot(name);
        if (existing >= 0) {
            return existing;
        }
        if (enclosing.kind == Kind.MAIN) {
            return -1;
        }
        if (enclosing.locals.contains(name)) {
            captures.add(new Capture(name, true, -1));
            return captures.size() - 1;
        }
        int outer = enclosing.resolveCapture(name);
        if (outer >= 0) {
            captures.add(new Capture(name, false, outer));
            return captures.size() - 1;
        }
        return -1;
    }
}
