package dev.whispem.runtime.conformance;

import dev.whispem.runtime.vm.RunResult;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the C VM ({@code whispem-runtime/wvm}, built by make in the compile phase). */
final class Wvm {
    /** Module-relative, like the corpus directory. */
    static final Path BINARY = Path.of("wvm").toAbsolutePath();

    private Wvm() {}

    static boolean isBuilt() {
        return Files.isExecutable(BINARY);
    }

    /** Runs {@code wvm FILE ARGS} in {@code workDir} with empty stdin, capturing both streams. */
    static RunResult run(Path workDir, String file, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.add(file);
        command.addAll(args);
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(workDir.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        try {
            Process process = builder.start();
            CompletableFuture<byte[]> out = drain(process.getInputStream());
            CompletableFuture<byte[]> err = drain(process.getErrorStream());
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("wvm timed out on " + file);
            }
            return new RunResult(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static CompletableFuture<byte[]> drain(InputStream stream) {
        return CompletableFuture.supplyAsync(
                () -> {
                    try (stream) {
                        return stream.readAllBytes();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }
}
