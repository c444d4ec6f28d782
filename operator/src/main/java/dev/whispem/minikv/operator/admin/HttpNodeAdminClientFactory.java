package dev.whispem.minikv.operator.admin;

import static dev.whispem.minikv.operator.Constants.NODE_HTTP_PORT;

import dev.whispem.minikv.operator.cluster.ClusterNames;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Admin clients that reach a cluster's ready coordinators (Service {@code x-coord-api}) with the
 * admin token of its auth Secret.
 */
@ApplicationScoped
public class HttpNodeAdminClientFactory implements NodeAdminClientFactory {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Inject KubernetesClient client;

    @ConfigProperty(name = "minikv.operator.admin-timeout", defaultValue = "10s")
    Duration timeout;

    /**
     * Coordinator membership changes and leadership transfers answer once committed: the node waits
     * up to a minute for a joining coordinator to catch up.
     */
    @ConfigProperty(name = "minikv.operator.admin-change-timeout", defaultValue = "90s")
    Duration changeTimeout;

    @Override
    public NodeAdminClient forCluster(MiniKVCluster cluster) {
        String scheme = cluster.getSpec().getSecurity().tls.enabled ? "https" : "http";
        URI base =
                URI.create(
                        scheme
                                + "://"
                                + ClusterNames.coordinatorApi(cluster)
                                + "."
                                + cluster.getMetadata().getNamespace()
                                + ".svc:"
                                + NODE_HTTP_PORT);
        return new HttpNodeAdminClient(http, base, adminToken(cluster), timeout, changeTimeout);
    }

    private String adminToken(MiniKVCluster cluster) {
        if (!cluster.getSpec().getSecurity().auth.enabled) {
            return null;
        }
        Secret secret =
                client.secrets()
                        .inNamespace(cluster.getMetadata().getNamespace())
                        .withName(ClusterNames.authSecret(cluster))
                        .get();
        if (secret == null
                || secret.getData() == null
                || !secret.getData().containsKey("admin-token")) {
            return null;
        }
        return new String(
                Base64.getDecoder().decode(secret.getData().get("admin-token")),
                StandardCharsets.UTF_8);
    }
}
