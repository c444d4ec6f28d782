package dev.whispem.runtime.cli;

import dev.whispem.runtime.CompileException;
import dev.whispem.runtime.Whispem;
import dev.whispem.runtime.bytecode.BytecodeReader;
import dev.whispem.runtime.bytecode.BytecodeWriter;
import dev.whispem.runtime.bytecode.Disassembler;
import dev.whispem.runtime.bytecode.InvalidBytecodeException;
import dev.whispem.runtime.bytecode.Program;
import dev.whispem.runtime.bytecode.SerializationException;
import dev.whispem.runtime.kv.KvExtension;
import dev.whispem.runtime.repl.Repl;
import dev.whispem.runtime.vm.WhispemVm;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Command-line behaviour on explicit streams, so tests can drive every form in memory. */
public final class Cli {
    private static final String USAGE =
            "Usage: whispem FILE.wsp [ARGS...] | whispem FILE.whbc [ARGS...]"
                    + " | whispem --compile FILE.wsp [OUT] | whispem --dump FILE";

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    /** Reads the kv_* settings (MINIKV_URL, ...) from the process environment. */
    public Cli(InputStream in, PrintStream out, PrintStream err) {
        this(in, out, err, System.getenv());
    }

    /** {@code env} supplies the kv_* extension's settings (docs/whispem/kv-extension.md §4). */
    public Cli(InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        this.in = in;
        this.out = out;
        this.err = err;
        this.env = Map.copyOf(env);
    }

    /** The run options of every form: the kv_* extension is enabled. */
    private WhispemVm.Options options() {
        return WhispemVm.Options.DEFAULT.withNatives(KvExtension.natives(env));
    }

    /** Runs one command line and returns the process exit status. */
    public int run(List<String> args) {
        if (args.isEmpty()) {
            return new Repl(in, out, err, options()).run();
        }
        String first = args.getFirst();
        if (first.equals("--compile")) {
            if (args.size() < 2 || args.size() > 3) {
                return usage();
            }
            return compile(args.get(1), args.size() == 3 ? args.get(2) : null);
        }
        if (first.equals("--dump")) {
            if (args.size() != 2) {
                return usage();
            }
            return dump(args.get(1));
        }
        if (first.equals("--help") || first.equals("-h")) {
            out.println(USAGE);
            out.flush();
            return 0;
        }
        List<String> programArgs = args.subList(1, args.size());
        Program program = load(first);
        if (program == null) {
            return 1;
        }
        out.flush();
        return WhispemVm.run(program, first, programArgs, in, out, err, options());
    }

    private int usage() {
        err.println(USAGE);
        return 1;
    }

    /** Source or bytecode, chosen by the {@code .whbc} suffix; null after reporting an error. */
    private Program load(String path) {
        if (path.endsWith(".whbc")) {
            return loadBytecode(path);
        }
        String source = readSource(path);
        if (source == null) {
            return null;
        }
        try {
            return Whispem.compileProgram(source);
        } catch (CompileException e) {
            err.println(e.diagnostic().format(path));
            return null;
        }
    }

    private Program loadBytecode(String path) {
        byte[] data;
        try {
            data = Files.readAllBytes(Path.of(path));
        } catch (IOException | RuntimeException e) {
            err.println("Cannot read '" + path + "': " + reason(e, path));
            return null;
        }
        try {
            return BytecodeReader.read(data);
        } catch (InvalidBytecodeException e) {
            err.println(path + ": Error: " + e.getMessage());
            return null;
        }
    }

    private String readSource(String path) {
        byte[] data;
        try {
            data = Files.readAllBytes(Path.of(path));
        } catch (IOException | RuntimeException e) {
            err.println("Error: Cannot read '" + path + "': " + reason(e, path));
            return null;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data))
                    .toString();
        } catch (CharacterCodingException e) {
            err.println("Error: Cannot read '" + path + "': stream did not contain valid UTF-8");
            return null;
        }
    }

    private int compile(String path, String outPath) {
        String source = readSource(path);
        if (source == null) {
            return 1;
        }
        Program program;
        try {
            program = Whispem.compileProgram(source);
        } catch (CompileException e) {
            err.println(e.diagnostic().format(path));
            return 1;
        }
        byte[] bytes;
        try {
            bytes = BytecodeWriter.write(program);
        } catch (SerializationException e) {
            err.println(
                    path + ": serialisation error: Error: Serialization error: " + e.getMessage());
            return 1;
        }
        String target = outPath != null ? outPath : defaultOutput(path);
        try {
            Files.write(Path.of(target), bytes);
        } catch (IOException | RuntimeException e) {
            err.println("Error: Cannot write '" + target + "': " + reason(e, target));
            return 1;
        }
        err.println("Compiled " + path + " \u2192 " + target + " (" + bytes.length + " bytes)");
        return 0;
    }

    /** Same directory and stem, suffix {@code .whbc} (like Rust's {@code with_extension}). */
    static String defaultOutput(String path) {
        int slash = path.lastIndexOf('/');
        int dot = path.lastIndexOf('.');
        if (dot > slash + 1) {
            return path.substring(0, dot) + ".whbc";
        }
        return path + ".whbc";
    }

    private int dump(String path) {
        Program program = load(path);
        if (program == null) {
            return 1;
        }
        out.print(Disassembler.disassemble(program));
        out.flush();
        return 0;
    }

    private static String reason(Exception e, String path) {
        if (e instanceof NoSuchFileException) {
            return "No such file or directory (os error 2)";
        }
        if (e instanceof AccessDeniedException) {
            return "Permission denied (os error 13)";
        }
        try {
            if (Files.isDirectory(Path.of(path))) {
                return "Is a directory (os error 21)";
            }
        } catch (RuntimeException invalidPath) {
            return "Invalid argument (os error 22)";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
