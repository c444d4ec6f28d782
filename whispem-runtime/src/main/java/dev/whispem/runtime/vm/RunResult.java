package dev.whispem.runtime.vm;

import java.nio.charset.StandardCharsets;

/** What a program run produced: its exit status and the bytes it wrote to each stream. */
public record RunResult(int status, byte[] stdout, byte[] stderr) {

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }
}
