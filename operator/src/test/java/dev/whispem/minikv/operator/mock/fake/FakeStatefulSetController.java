package dev.whispem.minikv.operator.mock.fake;

import dev.whispem.minikv.operator.Constants;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Does in one namespace what Kubernetes' StatefulSet controller and kubelet would: keeps pods
 * 0..replicas-1 (OnDelete: a deleted pod comes back with the current template revision), makes a
 * new pod ready after {@code readyDelayMillis}, and writes the StatefulSet's status. It records pod
 * deletions and resizes in the namespace's {@link Timeline}, and the most pods of one StatefulSet
 * that were unavailable at once.
 */
public final class FakeStatefulSetController implements AutoCloseable {
    private final KubernetesClient client;
    private final String namespace;
    private final long readyDelayMillis;
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, Long> createdAt = new ConcurrentHashMap<>();
    private final Map<String, Integer> lastReplicas = new HashMap<>();
    private final Map<String, Integer> maxUnavailable = new ConcurrentHashMap<>();
    private final Set<String> broken = ConcurrentHashMap.newKeySet();
    private volatile java.util.function.Predicate<String> readinessGate = pod -> true;

    public FakeStatefulSetController(
            KubernetesClient client, String namespace, long readyDelayMillis) {
        this.client = client;
        this.namespace = namespace;
        this.readyDelayMillis = readyDelayMillis;
        loop.scheduleWithFixedDelay(this::tickSafely, 0, 50, TimeUnit.MILLISECONDS);
    }

    /** A pod that never becomes ready (its node is broken). */
    public void breakPod(String name) {
        broken.add(name);
    }

    public void repairPod(String name) {
        broken.remove(name);
    }

    /**
     * What the node's readiness probe depends on besides starting up (a coordinator is ready only
     * once it votes in the metadata group): a pod becomes ready only when {@code gate} allows it.
     */
    public void gateReadiness(java.util.function.Predicate<String> gate) {
        this.readinessGate = gate;
    }

    /**
     * The most pods of {@code statefulSet} not ready at the same time, after all were first ready.
     */
    public int maxUnavailable(String statefulSet) {
        return maxUnavailable.getOrDefault(statefulSet, 0);
    }

    private void tickSafely() {
        try {
            tick();
        } catch (KubernetesClientException e) {
            // The mock server is shared and fast; a conflict is retried on the next tick.
        } catch (RuntimeException e) {
            e.printStackTrace();
        }
    }

    private void tick() {
        for (StatefulSet sts :
                client.apps().statefulSets().inNamespace(namespace).list().getItems()) {
            String name = sts.getMetadata().getName();
            int replicas = sts.getSpec().getReplicas();
            Integer before = lastReplicas.put(name, replicas);
            if (before != null && before != replicas) {
                Timeline.of(namespace).add("resize " + name + " " + before + "->" + replicas);
            }
            String revision = name + "-" + hash(sts.getSpec().getTemplate());
            Map<String, Pod> pods = new HashMap<>();
            client.pods()
                    .inNamespace(namespace)
                    .withLabels(sts.getSpec().getSelector().getMatchLabels())
                    .list()
                    .getItems()
                    .forEach(p -> pods.put(p.getMetadata().getName(), p));
            int ready = 0;
            int updated = 0;
            for (int i = 0; i < replicas; i++) {
                String podName = name + "-" + i;
                Pod pod = pods.remove(podName);
                if (pod == null) {
                    if (createdAt.containsKey(podName)) {
                        Timeline.of(namespace).add("deleted " + podName);
                    }
                    pod = create(sts, podName, revision);
                    createdAt.put(podName, System.currentTimeMillis());
                }
                boolean isReady = isReady(pod);
                if (!isReady
                        && !broken.contains(podName)
                        && readinessGate.test(podName)
                        && System.currentTimeMillis() - createdAt.getOrDefault(podName, 0L)
                                >= readyDelayMillis) {
                    markReady(pod);
                    isReady = true;
                }
                if (isReady) {
                    ready++;
                }
                if (revision.equals(
                        pod.getMetadata().getLabels().get(Constants.LABEL_CONTROLLER_REVISION))) {
                    updated++;
                }
            }
            for (Pod extra : pods.values()) {
                client.pods().inNamespace(namespace).resource(extra).delete();
                createdAt.remove(extra.getMetadata().getName());
            }
            int unavailable = replicas - ready;
            if (lastFullyReady.contains(name)) {
                maxUnavailable.merge(name, unavailable, Math::max);
            }
            if (unavailable == 0) {
                lastFullyReady.add(name);
            }
            sts.setStatus(
                    new StatefulSetStatusBuilder()
                            .withReplicas(replicas)
                            .withReadyReplicas(ready)
                            .withAvailableReplicas(ready)
                            .withUpdatedReplicas(updated)
                            .withCurrentRevision(revision)
                            .withUpdateRevision(revision)
                            .withObservedGeneration(sts.getMetadata().getGeneration())
                            .build());
            client.apps().statefulSets().inNamespace(namespace).resource(sts).updateStatus();
        }
    }

    private final Set<String> lastFullyReady = ConcurrentHashMap.newKeySet();

    private Pod create(StatefulSet sts, String podName, String revision) {
        Map<String, String> labels =
                new HashMap<>(sts.getSpec().getTemplate().getMetadata().getLabels());
        labels.put(Constants.LABEL_CONTROLLER_REVISION, revision);
        labels.put(Constants.LABEL_STATEFULSET_POD_NAME, podName);
        Pod pod =
                new PodBuilder()
                        .withNewMetadata()
                        .withName(podName)
                        .withNamespace(namespace)
                        .withLabels(labels)
                        .endMetadata()
                        .withSpec(sts.getSpec().getTemplate().getSpec())
                        .withNewStatus()
                        .withPhase("Pending")
                        .endStatus()
                        .build();
        return client.pods().inNamespace(namespace).resource(pod).create();
    }

    private void markReady(Pod pod) {
        pod.setStatus(
                new io.fabric8.kubernetes.api.model.PodStatusBuilder()
                        .withPhase("Running")
                        .addNewCondition()
                        .withType("Ready")
                        .withStatus("True")
                        .endCondition()
                        .build());
        client.pods().inNamespace(namespace).resource(pod).updateStatus();
    }

    static boolean isReady(Pod pod) {
        return pod.getStatus() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String hash(Object template) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(
                                    Serialization.asJson(template)
                                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 10);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
