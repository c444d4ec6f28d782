package dev.whispem.runtime.vm;

import dev.whispem.runtime.bytecode.Program;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

/**
 * A VM whose globals and named functions survive between programs, for the REPL: each entry is
 * compiled as its own program and run in the same session.
 */
public final class Session {
    /** How one entry ended: normally, with a runtime error (already reported), or by exit. */
    public enum Ending {
        COMPLETED,
        FAILED,
        EXITED
    }

    /** {@code status} is the exit status when {@code ending} is EXITED, otherwise 0 or 1. */
    public record Outcome(Ending ending, int status) {}

    private final Interpreter vm;
    private final OutputStream err;

    public Session(
            List<String> args,
            InputStream in,
            OutputStream out,
            OutputStream err,
            WhispemVm.Options options) {
        this.vm = new Interpreter(args, in, out, options);
        this.err = err;
    }

    /** Runs one program on the calling thread; runtime errors are written to stderr. */
    public Outcome execute(Program program, String fileName) {
        vm.load(program);
        try {
            vm.runMain(program.main());
            vm.flush();
            return new Outcome(Ending.COMPLETED, 0);
        } catch (Signals.Exit exit) {
            vm.flush();
            return new Outcome(Ending.EXITED, exit.status);
        } catch (Signals.Halt halt) {
            vm.flush();
            return new Outcome(Ending.COMPLETED, 0);
        } catch (WhispemError e) {
            vm.flush();
            WhispemVm.writeLine(err, e.format(fileName));
            return new Outcome(Ending.FAILED, 1);
        } catch (StackOverflowError e) {
            vm.flush();
            WhispemVm.writeLine(
                    err,
                    new WhispemError(WhispemError.NO_LINE, "Stack overflow: nesting too deep")
                            .format(fileName));
            return new Outcome(Ending.FAILED, 1);
        }
    }
}
