package dev.whispem.minikv.operator.job;

import dev.whispem.runtime.CompileResult;
import dev.whispem.runtime.Whispem;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Compiles Whispem source with the Java reference compiler. Programs are immutable once submitted,
 * so results are cached by content: a reconciliation every few seconds does not recompile.
 */
@ApplicationScoped
public class ProgramCompiler {
    private static final int CACHE_SIZE = 128;

    private final Map<String, CompileResult> cache =
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CompileResult> eldest) {
                    return size() > CACHE_SIZE;
                }
            };

    public synchronized CompileResult compile(String fileName, String source) {
        String key =
                ResolvedProgram.sha256((fileName + "\0" + source).getBytes(StandardCharsets.UTF_8));
        return cache.computeIfAbsent(key, k -> Whispem.compile(fileName, source));
    }
}
