package dev.whispem.runtime.repl;

import dev.whispem.runtime.CompileException;
import dev.whispem.runtime.Whispem;
import dev.whispem.runtime.bytecode.Program;
import dev.whispem.runtime.vm.Session;
import dev.whispem.runtime.vm.WhispemVm;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The interactive loop (SPEC §11, informative). Each entry is compiled as a program and run in one
 * {@link Session}, so variables and functions persist. An entry continues over several lines while
 * brackets are open. A bare expression is printed, as a convenience.
 */
public final class Repl {
    static final String FILE_NAME = "<repl>";
    static final String PROMPT = ">>> ";
    static final String CONTINUATION = "... ";

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final WhispemVm.Options options;

    public Repl(InputStream in, PrintStream out, PrintStream err) {
        this(in, out, err, WhispemVm.Options.DEFAULT);
    }

    /** A REPL whose session runs with {@code options} (the CLI enables the kv_* extension). */
    public Repl(InputStream in, PrintStream out, PrintStream err, WhispemVm.Options options) {
        this.options = options;
        // One buffered stream for both the REPL and input(), so neither steals the other's bytes.
        this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in);
        this.out = out;
        this.err = err;
    }

    /** Runs until end of input (status 0) or {@code exit} (its status). */
    public int run() {
        Session session = new Session(List.of(), in, out, err, options);
        out.println("Whispem 6 REPL. Ctrl-D to quit.");
        while (true) {
            String entry = readEntry();
            if (entry == null) {
                out.println();
                out.flush();
                return 0;
            }
            if (entry.isBlank()) {
                continue;
            }
            Program program = compile(entry);
            if (program == null) {
                continue;
            }
            Session.Outcome outcome = session.execute(program, FILE_NAME);
            if (outcome.ending() == Session.Ending.EXITED) {
                return outcome.status();
            }
        }
    }

    /** Compiles an entry; a bare expression is retried as {@code print EXPR}. */
    private Program compile(String entry) {
        try {
            return Whispem.compileProgram(entry);
        } catch (CompileException e) {
            try {
                return Whispem.compileProgram("print " + entry);
            } catch (CompileException ignored) {
                err.println(e.diagnostic().format(FILE_NAME));
                err.flush();
                return null;
            }
        }
    }

    /** Reads lines until brackets balance; null at end of input with nothing read. */
    private String readEntry() {
        StringBuilder entry = new StringBuilder();
        out.print(PROMPT);
        out.flush();
        while (true) {
            String line = readLine();
            if (line == null) {
                return entry.isEmpty() ? null : entry.toString();
            }
            entry.append(line).append('\n');
            if (openBrackets(entry) <= 0) {
                return entry.toString();
            }
            out.print(CONTINUATION);
            out.flush();
        }
    }

    /** Net count of open brackets outside strings and comments. */
    static int openBrackets(CharSequence text) {
        int depth = 0;
        boolean inString = false;
        boolean inComment = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inComment) {
                inComment = c != '\n';
            } else if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"' || c == '\n') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '#') {
                inComment = true;
            } else if (c == '{' || c == '[' || c == '(') {
                depth++;
            } else if (c == '}' || c == ']' || c == ')') {
                depth--;
            }
        }
        return depth;
    }

    private String readLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            int b;
            while ((b = in.read()) != -1 && b != '\n') {
                bytes.write(b);
            }
            if (b == -1 && bytes.size() == 0) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        String line = bytes.toString(StandardCharsets.UTF_8);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }
}
