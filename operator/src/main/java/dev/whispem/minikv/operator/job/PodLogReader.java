package dev.whispem.minikv.operator.job;

import java.util.Optional;

/** Reads the end of a pod's log; an interface so tests can provide the output. */
public interface PodLogReader {
    Optional<String> tail(String namespace, String pod, int lines);
}
