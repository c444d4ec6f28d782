package dev.whispem.minikv.operator.mock.fake;

import dev.whispem.minikv.operator.job.PodLogReader;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The mock API server serves no pod logs: tests say what each pod printed. */
@Alternative
@Priority(1)
@ApplicationScoped
public class FakePodLogReader implements PodLogReader {
    private final Map<String, String> logs = new ConcurrentHashMap<>();

    public void printed(String namespace, String pod, String output) {
        logs.put(namespace + "/" + pod, output);
    }

    @Override
    public Optional<String> tail(String namespace, String pod, int lines) {
        String log = logs.get(namespace + "/" + pod);
        if (log == null) {
            return Optional.empty();
        }
        String[] all = log.split("\n", -1);
        int from = Math.max(0, all.length - lines - 1);
        return Optional.of(String.join("\n", java.util.Arrays.copyOfRange(all, from, all.length)));
    }
}
