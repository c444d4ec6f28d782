package dev.whispem.minikv.operator.job;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;

/** Pod logs through the API server (pods/log). */
@ApplicationScoped
public class KubernetesPodLogReader implements PodLogReader {
    @Inject KubernetesClient client;

    @Override
    public Optional<String> tail(String namespace, String pod, int lines) {
        try {
            return Optional.ofNullable(
                    client.pods()
                            .inNamespace(namespace)
                            .withName(pod)
                            .tailingLines(lines)
                            .getLog());
        } catch (KubernetesClientException e) {
            return Optional.empty();
        }
    }
}
