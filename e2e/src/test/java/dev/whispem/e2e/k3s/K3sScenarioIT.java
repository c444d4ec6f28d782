package dev.whispem.e2e.k3s;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The whole product on a real Kubernetes: install the chart with helm, run a MiniKVCluster, use it
 * through its client Service, scale volume servers 3→5→3 under a writer without losing an
 * acknowledged write, run a WhispemJob against it, then delete everything and check the cleanup.
 *
 * <p>Runs with {@code -De2e.k3s.image=rancher/k3s:v1.33.1-k3s1} where privileged Docker and that
 * image exist, or {@code -De2e.kubeconfig=$HOME/.kube/config} against any cluster that has our
 * images; otherwise it is skipped with one line saying why (see {@link KubernetesTarget}).
 */
class K3sScenarioIT {

    private static final String OPERATOR_NS = "minikv-system";
    private static final String NS = "minikv-e2e";
    private static final String CLUSTER = "e2e";
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);
    private static final Path CHART =
            Path.of(System.getProperty("e2e.repoRoot", "..")).resolve("charts/minikv-operator");
    private static final ResourceDefinitionContext MINIKV_CLUSTER =
            new ResourceDefinitionContext.Builder()
                    .withGroup("whispem.dev")
                    .withVersion("v1alpha1")
                    .withKind("MiniKVCluster")
                    .withPlural("minikvclusters")
                    .withNamespaced(true)
                    .build();
    private static final ResourceDefinitionContext WHISPEM_JOB =
            new ResourceDefinitionContext.Builder()
                    .withGroup("whispem.dev")
                    .withVersion("v1alpha1")
                    .withKind("WhispemJob")
                    .withPlural("whispemjobs")
                    .withNamespaced(true)
                    .build();

    private static KubernetesTarget target;
    private static KubernetesClient kube;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @AfterAll
    static void stopCluster() {
        if (kube != null) {
            kube.close();
        }
        if (target != null) {
            target.close();
        }
    }

    @Test
    void installRunScaleJobAndCleanUp() throws Exception {
        target = KubernetesTarget.fromSystemProperties();
        kube =
                new KubernetesClientBuilder()
                        .withConfig(Config.fromKubeconfig(target.kubeconfigYaml()))
                        .build();
        new Helm(CHART)
                .install()
                .withName("minikv-operator")
                .withNamespace(OPERATOR_NS)
                .createNamespace()
                .withKubeConfigContents(target.kubeconfigYaml())
                .set("image.pullPolicy", target.pullPolicy())
                .waitReady()
                .withTimeout(300)
                .call();
        kube.namespaces()
                .resource(
                        new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
                .serverSideApply();

        kube.genericKubernetesResources(MINIKV_CLUSTER)
                .inNamespace(NS)
                .load(
                        yaml(
                                """
                apiVersion: whispem.dev/v1alpha1
                kind: MiniKVCluster
                metadata:
                  name: %s
                spec:
                  imagePullPolicy: %s
                  coordinators:
                    replicas: 3
                  volumes:
                    replicas: 3
                    storage:
                      size: 1Gi
                  replicationFactor: 3
                """
                                        .formatted(CLUSTER, target.pullPolicy())))
                .create();
        await("MiniKVCluster Ready", () -> conditionTrue(cluster(), "Ready"));

        try (LocalPortForward forward =
                kube.services().inNamespace(NS).withName(CLUSTER).portForward(8080)) {
            String base = "http://127.0.0.1:" + forward.getLocalPort();
            assertThat(put(base, "hello", "world")).isEqualTo(200);
            assertThat(get(base, "hello").body()).isEqualTo("world");

            // Scale volume servers 3 → 5 → 3 while a writer runs; keep what was acknowledged.
            Map<String, String> acknowledged = new ConcurrentHashMap<>();
            AtomicBoolean writing = new AtomicBoolean(true);
            Thread writer =
                    Thread.ofPlatform()
                            .name("e2e-writer")
                            .start(
                                    () -> {
                                        for (int i = 0; writing.get(); i++) {
                                            String key = "scale-" + i;
                                            String value = "v" + i;
                                            try {
                                                if (put(base, key, value) == 200) {
                                                    acknowledged.put(key, value);
                                                }
                                            } catch (Exception notAcknowledged) {
                                                // a failed write is allowed during changes; only
                                                // acknowledged ones count
                                            }
                                        }
                                    });
            scaleVolumes(5);
            scaleVolumes(3);
            writing.set(false);
            writer.join();

            assertThat(acknowledged).isNotEmpty();
            for (var entry : acknowledged.entrySet()) {
                HttpResponse<String> read = get(base, entry.getKey());
                assertThat(read.statusCode()).as("status of %s", entry.getKey()).isEqualTo(200);
                assertThat(read.body())
                        .as("value of %s", entry.getKey())
                        .isEqualTo(entry.getValue());
            }

            // A WhispemJob writes to the cluster through the kv_* builtins.
            kube.genericKubernetesResources(WHISPEM_JOB)
                    .inNamespace(NS)
                    .load(
                            yaml(
                                    """
                    apiVersion: whispem.dev/v1alpha1
                    kind: WhispemJob
                    metadata:
                      name: writer
                    spec:
                      kvClusterRef:
                        name: %s
                      program:
                        fileName: writer.wsp
                        source: |
                          kv_put("from-job", "written by whispem")
                          print "stored " + kv_get("from-job")
                    """
                                            .formatted(CLUSTER)))
                    .create();
            await("WhispemJob Succeeded", () -> "Succeeded".equals(status(job()).get("phase")));
            assertThat(String.valueOf(status(job()).get("output")))
                    .contains("stored written by whispem");
            assertThat(get(base, "from-job").body()).isEqualTo("written by whispem");
        }

        // Delete everything: owned objects go with their owners, the chart leaves nothing behind.
        kube.genericKubernetesResources(WHISPEM_JOB).inNamespace(NS).withName("writer").delete();
        kube.genericKubernetesResources(MINIKV_CLUSTER).inNamespace(NS).withName(CLUSTER).delete();
        String instance = "app.kubernetes.io/instance";
        await(
                "owned objects deleted",
                () ->
                        kube.apps()
                                        .statefulSets()
                                        .inNamespace(NS)
                                        .withLabel(instance, CLUSTER)
                                        .list()
                                        .getItems()
                                        .isEmpty()
                                && kube.services()
                                        .inNamespace(NS)
                                        .withLabel(instance, CLUSTER)
                                        .list()
                                        .getItems()
                                        .isEmpty()
                                && kube.batch()
                                        .v1()
                                        .jobs()
                                        .inNamespace(NS)
                                        .list()
                                        .getItems()
                                        .isEmpty());
        Helm.uninstall("minikv-operator")
                .withNamespace(OPERATOR_NS)
                .withKubeConfigContents(target.kubeconfigYaml())
                .call();
        await(
                "operator removed",
                () ->
                        kube.apps()
                                .deployments()
                                .inNamespace(OPERATOR_NS)
                                .list()
                                .getItems()
                                .isEmpty());
    }

    private void scaleVolumes(int replicas) throws InterruptedException {
        kube.genericKubernetesResources(MINIKV_CLUSTER)
                .inNamespace(NS)
                .withName(CLUSTER)
                .edit(
                        c -> {
                            @SuppressWarnings("unchecked")
                            var spec =
                                    (Map<String, Object>) c.getAdditionalProperties().get("spec");
                            @SuppressWarnings("unchecked")
                            var volumes = (Map<String, Object>) spec.get("volumes");
                            volumes.put("replicas", replicas);
                            return c;
                        });
        await(
                "volumes at " + replicas,
                () -> {
                    var sts =
                            kube.apps()
                                    .statefulSets()
                                    .inNamespace(NS)
                                    .withName(CLUSTER + "-vol")
                                    .get();
                    return sts != null
                            && sts.getStatus() != null
                            && Integer.valueOf(replicas).equals(sts.getStatus().getReadyReplicas())
                            && conditionTrue(cluster(), "Ready");
                });
    }

    private GenericKubernetesResource cluster() {
        return kube.genericKubernetesResources(MINIKV_CLUSTER)
                .inNamespace(NS)
                .withName(CLUSTER)
                .get();
    }

    private GenericKubernetesResource job() {
        return kube.genericKubernetesResources(WHISPEM_JOB)
                .inNamespace(NS)
                .withName("writer")
                .get();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> status(GenericKubernetesResource resource) {
        Object status = resource == null ? null : resource.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    @SuppressWarnings("unchecked")
    private static boolean conditionTrue(GenericKubernetesResource resource, String type) {
        Object conditions = status(resource).get("conditions");
        if (!(conditions instanceof List<?> list)) {
            return false;
        }
        return list.stream()
                .map(c -> (Map<String, Object>) c)
                .anyMatch(c -> type.equals(c.get("type")) && "True".equals(c.get("status")));
    }

    private static ByteArrayInputStream yaml(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private int put(String base, String key, String value) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(base + "/v1/kv/" + key))
                                .timeout(Duration.ofSeconds(10))
                                .PUT(HttpRequest.BodyPublishers.ofString(value))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private HttpResponse<String> get(String base, String key) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(base + "/v1/kv/" + key))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "timed out after " + READY_TIMEOUT + " waiting for: " + what);
            }
            Thread.sleep(2000);
        }
    }
}
