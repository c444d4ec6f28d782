package dev.whispem.runtime.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The conformance corpus (SPEC conformance/README.md) as test data: one entry per {@code .wsp} with
 * its expected output files.
 */
public final class Corpus {
    /** Module-relative; surefire runs with the module directory as working directory. */
    public static final Path DIR = Path.of("src/test/resources/conformance");

    private Corpus() {}

    /** One corpus program. */
    public record Case(String name) {
        public Path source() {
            return DIR.resolve(name + ".wsp");
        }

        public Path bytecode() {
            return DIR.resolve(name + ".whbc");
        }

        public boolean hasBytecode() {
            return Files.exists(bytecode());
        }

        /** Error tests have a {@code .code} file (README). */
        public boolean isErrorTest() {
            return Files.exists(DIR.resolve(name + ".code"));
        }

        public String sourceText() {
            return read(source());
        }

        public byte[] referenceBytecode() {
            return readBytes(bytecode());
        }

        /** Normal test: stdout. Error test: stdout followed by stderr. */
        public String expectedOutput() {
            return read(DIR.resolve(name + (isErrorTest() ? ".err" : ".out")));
        }

        public int expectedStatus() {
            return isErrorTest() ? Integer.parseInt(read(DIR.resolve(name + ".code")).trim()) : 0;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static List<Case> all() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".wsp"))
                    .map(n -> new Case(n.substring(0, n.length() - 4)))
                    .sorted((a, b) -> a.name().compareTo(b.name()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Case> withBytecode() {
        return all().stream().filter(Case::hasBytecode).toList();
    }

    static String read(Path path) {
        return new String(readBytes(path), StandardCharsets.UTF_8);
    }

    static byte[] readBytes(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
