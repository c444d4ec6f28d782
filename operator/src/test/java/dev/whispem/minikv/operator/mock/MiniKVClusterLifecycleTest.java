package dev.whispem.minikv.operator.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.whispem.minikv.operator.Constants;
import dev.whispem.minikv.operator.cluster.Conditions;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVClusterSpec;
import dev.whispem.minikv.operator.mock.fake.FakeNodeAdmin;
import dev.whispem.minikv.operator.mock.fake.FakeNodeAdminFactory;
import dev.whispem.minikv.operator.mock.fake.FakeStatefulSetController;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A MiniKVCluster's life against the mock API server, with a fake StatefulSet controller moving
 * pods and a fake admin API standing in for the nodes.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class MiniKVClusterLifecycleTest {
    static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final Duration TIMEOUT = Duration.ofSeconds(40);

    @Inject KubernetesClient client;
    @Inject FakeNodeAdminFactory admins;

    String ns;
    FakeStatefulSetController statefulSets;

    @AfterEach
    void stopFakes() {
        if (statefulSets != null) {
            statefulSets.close();
        }
    }

    @Test
    void createdClusterBecomesReadyWithCoordinatorsAddedOneByOne() {
        start(200);
        create("kv", 3, 3, spec -> {});
        awaitReady("kv");
        FakeNodeAdmin admin = admins.of(ns, "kv");
        assertThat(admin.coordinatorMembers())
                .containsExactlyInAnyOrder("kv-coord-0", "kv-coord-1", "kv-coord-2");
        assertThat(admin.timeline().matching("addCoordinator"))
                .containsExactly("addCoordinator kv-coord-1", "addCoordinator kv-coord-2");

        MiniKVCluster cluster = get("kv");
        assertThat(cluster.getStatus().leader).isEqualTo("kv-coord-0");
        assertThat(cluster.getStatus().coordinators).isEqualTo("3/3");
        assertThat(cluster.getStatus().volumes).isEqualTo("3/3");
        assertThat(cluster.getStatus().shards.total).isEqualTo(256);
        assertThat(cluster.getStatus().shards.minPerVolume).isEqualTo(256);
        assertThat(cluster.getStatus().observedGeneration)
                .isEqualTo(cluster.getMetadata().getGeneration());
        assertThat(cluster.getStatus().currentVersion).isEqualTo(MiniKVClusterSpec.DEFAULT_VERSION);
        assertThat(Conditions.find(cluster.getStatus().conditions, Conditions.PROGRESSING))
                .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("Stable"));
        assertThat(Conditions.find(cluster.getStatus().conditions, Conditions.DEGRADED))
                .hasValueSatisfying(c -> assertThat(c.getStatus()).isEqualTo("False"));

        PodDisruptionBudget coordPdb =
                client.policy()
                        .v1()
                        .podDisruptionBudget()
                        .inNamespace(ns)
                        .withName("kv-coord")
                        .get();
        assertThat(coordPdb.getSpec().getMinAvailable().getIntVal()).isEqualTo(2);
        PodDisruptionBudget volPdb =
                client.policy().v1().podDisruptionBudget().inNamespace(ns).withName("kv-vol").get();
        assertThat(volPdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(client.secrets().inNamespace(ns).withName("kv-auth").get().getData())
                .containsKeys("jwt-private.pem", "jwt-public.pem", "admin-token", "job-token");
        assertThat(client.secrets().inNamespace(ns).withName("kv-encryption").get())
                .as("no encryption key unless encryption at rest is on")
                .isNull();
        await().atMost(TIMEOUT)
                .untilAsserted(
                        () -> assertThat(eventReasons()).contains("AddedCoordinator", "Ready"));
    }

    @Test
    void scaleVolumesUp() {
        start(100);
        create("kv", 1, 3, spec -> spec.setReplicationFactor(3));
        awaitReady("kv");
        edit("kv", c -> c.getSpec().getVolumes().replicas = 5);
        await().atMost(TIMEOUT).until(() -> statefulSet("kv-vol").getSpec().getReplicas() == 5);
        awaitReady("kv");
        assertThat(get("kv").getStatus().volumes).isEqualTo("5/5");
        assertThat(admins.of(ns, "kv").volumeMembers()).hasSize(5);
    }

    @Test
    void scaleDownDrainsBeforeTheStatefulSetShrinks() {
        start(100);
        create("kv", 1, 5, spec -> spec.setReplicationFactor(3));
        awaitReady("kv");
        FakeNodeAdmin admin = admins.of(ns, "kv");
        admin.setDrainSteps(4);
        edit("kv", c -> c.getSpec().getVolumes().replicas = 3);

        await().atMost(TIMEOUT)
                .untilAsserted(
                        () ->
                                assertThat(get("kv").getStatus().draining)
                                        .containsExactly("kv-vol-4", "kv-vol-3"));
        assertThat(statefulSet("kv-vol").getSpec().getReplicas())
                .as("not shrunk while draining")
                .isEqualTo(5);

        await().atMost(TIMEOUT).until(() -> statefulSet("kv-vol").getSpec().getReplicas() == 3);
        awaitReady("kv");
        // Removed from the membership only once stopped: a running server would register again.
        await().atMost(TIMEOUT)
                .untilAsserted(
                        () ->
                                assertThat(admin.volumeMembers())
                                        .containsExactlyInAnyOrder(
                                                "kv-vol-0", "kv-vol-1", "kv-vol-2"));
        assertThat(
                        admin.timeline()
                                .matching(
                                        "drain kv-vol-4", "removeVolume kv-vol-4", "resize kv-vol"))
                .containsExactly("drain kv-vol-4", "resize kv-vol 5->3", "removeVolume kv-vol-4");
        assertThat(
                        admin.timeline()
                                .matching(
                                        "drain kv-vol-3", "removeVolume kv-vol-3", "resize kv-vol"))
                .containsExactly("drain kv-vol-3", "resize kv-vol 5->3", "removeVolume kv-vol-3");
        assertThat(admin.volumeMembers())
                .containsExactlyInAnyOrder("kv-vol-0", "kv-vol-1", "kv-vol-2");
        assertThat(get("kv").getStatus().draining).isNull();
        assertThat(eventReasons()).contains("DrainingVolumes", "RemovedVolumes");
    }

    @Test
    void scaleDownWaitsWhileTheAdminApiIsDown() {
        start(100);
        create("kv", 1, 4, spec -> spec.setReplicationFactor(3));
        awaitReady("kv");
        FakeNodeAdmin admin = admins.of(ns, "kv");
        admin.setUnavailable(true);
        edit("kv", c -> c.getSpec().getVolumes().replicas = 3);
        await().atMost(TIMEOUT)
                .untilAsserted(
                        () ->
                                assertThat(
                                                Conditions.find(
                                                        get("kv").getStatus().conditions,
                                                        Conditions.PROGRESSING))
                                        .hasValueSatisfying(
                                                c ->
                                                        assertThat(c.getReason())
                                                                .isEqualTo("WaitingForAdminApi")));
        assertThat(Conditions.isTrue(get("kv").getStatus().conditions, Conditions.DEGRADED))
                .isTrue();
        assertThat(statefulSet("kv-vol").getSpec().getReplicas()).isEqualTo(4);
        admin.setUnavailable(false);
        await().atMost(TIMEOUT).until(() -> statefulSet("kv-vol").getSpec().getReplicas() == 3);
    }

    @Test
    void aScaleDownCancelledHalfWayCancelsTheDrains() {
        start(100);
        create("kv", 1, 5, spec -> spec.setReplicationFactor(3));
        awaitReady("kv");
        FakeNodeAdmin admin = admins.of(ns, "kv");
        admin.setDrainSteps(1000); // one shard replica per pass: the drains outlast the test
        edit("kv", c -> c.getSpec().getVolumes().replicas = 3);
        await().atMost(TIMEOUT)
                .untilAsserted(
                        () ->
                                assertThat(admin.timeline().matching("drain "))
                                        .containsExactly("drain kv-vol-4", "drain kv-vol-3"));

        edit("kv", c -> c.getSpec().getVolumes().replicas = 5);
        await().atMost(TIMEOUT)
                .untilAsserted(
                        () ->
                                assertThat(admin.timeline().matching("cancelDrain"))
                                        .containsExactly(
                                                "cancelDrain kv-vol-4", "cancelDrain kv-vol-3"));
        awaitReady("kv");
        assertThat(admin.volumeMembers()).hasSize(5);
        assertThat(admin.timeline().matching("removeVolume", "resize kv-vol"))
                .as("the kept servers are neither stopped nor removed")
                .isEmpty();
        assertThat(statefulSet("kv-vol").getSpec().getReplicas()).isEqualTo(5);
        assertThat(get("kv").getStatus().draining).isNull();
        assertThat(eventReasons()).contains("DrainingVolumes", "CancelledDrains");
    }

    @Test
    void withoutTheCancelCallACancelledScaleDownFinishesTheDrainAndRejoinsEmpty() {
        start(100);
        create("kv", 1, 4, spec -> spec.setReplicationFactor(3));
        awaitReady("kv");
        FakeNodeAdmin admin = admins.of(ns, "kv");
        admin.setCancelDrainSupported(false);
        admin.setDrainSteps(16);
        edit("kv", c -> c.getSpec().getVolumes().replicas = 3);
        await().atMost(TIMEOUT).until(() -> !admin.timeline().matching("drain kv-vol-3").isEmpty());

        edit("kv", c -> c.getSpec().getVolumes().replicas = 4);
        await().atMost(TIMEOUT)
                .until(() -> !admin.timeline().matching("removeVolume kv-vol-3").isEmpty());
        awaitReady("kv");
        await().atMost(TIMEOUT)
                .untilAsserted(
                        () ->
                                assertThat(admin.volumeMembers())
                                        .as("kv-vol-3 registered again")
                                        .hasSize(4));
        assertThat(admin.timeline().matching("cancelDrain", "removeVolume"))
                .as("asked once, the refusal is remembered; the drain runs to its end")
                .containsExactly("cancelDrain kv-vol-3 refused", "removeVolume kv-vol-3");
        assertThat(admin.timeline().matching("resize kv-vol")).isEmpty();
        assertThat(eventReasons()).contains("DrainCancelUnsupported", "RemovedVolumes");
        assertThat(eventReasons()).doesNotContain("CancelledDrains");
    }

    @Test
    void coordinatorsGrowFromThreeToFiveAndShrinkBackMovingLeadershipFirst() {
        start(100);
        create("kv", 3, 3, spec -> {});
        awaitReady("kv");
        FakeNodeAdmin admin = admins.of(ns, "kv");
        edit("kv", c -> c.getSpec().getCoordinators().replicas = 5);
        await().atMost(TIMEOUT).until(() -> admin.coordinatorMembers().size() == 5);
        awaitReady("kv");
        assertThat(admin.timeline().matching("addCoordinator"))
                .containsExactly(
                        "addCoordinator kv-coord-1",
                        "addCoordinator kv-coord-2",
                        "addCoordinator kv-coord-3",
                        "addCoordinator kv-coord-4");
        assertThat(statefulSet("kv-coord").getSpec().getReplicas()).isEqualTo(5);

        admin.setLeader("kv-coord-4");
        edit("kv", c -> c.getSpec().getCoordinators().replicas = 3);
        await().atMost(TIMEOUT).until(() -> statefulSet("kv-coord").getSpec().getReplicas() == 3);
        awaitReady("kv");
        assertThat(admin.coordinatorMembers())
                .containsExactlyInAnyOrder("kv-coord-0", "kv-coord-1", "kv-coord-2");
        List<String> shrink =
                admin.timeline()
                        .matching(
                                "transferLeadership", "removeCoordinator", "resize kv-coord 5->3");
        assertThat(shrink)
                .containsExactly(
                        "transferLeadership kv-coord-4->kv-coord-0",
                        "removeCoordinator kv-coord-4",
                        "removeCoordinator kv-coord-3",
                        "resize kv-coord 5->3");
        assertThat(admin.registeredCoordinators())
                .as("registrations of the stopped coordinators are forgotten")
                .isEmpty();
    }

    @Test
    void rollingUpgradeRestartsOnePodAtATimeFollowersFirstLeaderLast() {
        start(300);
        create("kv", 3, 3, spec -> {});
        awaitReady("kv");
        FakeNodeAdmin admin = admins.of(ns, "kv");
        admin.setLeader("kv-coord-1");
        edit("kv", c -> c.getSpec().setVersion("0.2.0"));

        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> assertThat(get("kv").getStatus().currentVersion).isEqualTo("0.2.0"));
        awaitReady("kv");
        assertThat(admin.timeline().matching("deleted", "transferLeadership"))
                .containsExactly(
                        "deleted kv-coord-2",
                        "deleted kv-coord-0",
                        "transferLeadership kv-coord-1->kv-coord-0",
                        "deleted kv-coord-1",
                        "deleted kv-vol-2",
                        "deleted kv-vol-1",
                        "deleted kv-vol-0");
        assertThat(statefulSets.maxUnavailable("kv-coord")).isEqualTo(1);
        assertThat(statefulSets.maxUnavailable("kv-vol")).isEqualTo(1);
        assertThat(
                        statefulSet("kv-vol")
                                .getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getImage())
                .isEqualTo("minikv-node:0.2.0");
        assertThat(eventReasons()).contains("RestartingPod", "TransferredLeadership");
    }

    @Test
    void upgradeWaitsForAnUnhealthyMember() {
        start(100);
        create("kv", 3, 3, spec -> {});
        awaitReady("kv");
        statefulSets.breakPod("kv-vol-1");
        client.pods().inNamespace(ns).withName("kv-vol-1").delete();
        await().atMost(TIMEOUT)
                .until(
                        () ->
                                !Conditions.isTrue(
                                        get("kv").getStatus().conditions, Conditions.READY));
        FakeNodeAdmin admin = admins.of(ns, "kv");
        int before = admin.timeline().matching("deleted").size();
        edit("kv", c -> c.getSpec().setVersion("0.3.0"));
        await().pollDelay(Duration.ofSeconds(3))
                .atMost(TIMEOUT)
                .untilAsserted(
                        () ->
                                assertThat(get("kv").getStatus().operation)
                                        .contains("waiting for kv-vol-1"));
        assertThat(admin.timeline().matching("deleted")).hasSize(before);
        statefulSets.repairPod("kv-vol-1");
        await().atMost(Duration.ofSeconds(90))
                .untilAsserted(
                        () -> assertThat(get("kv").getStatus().currentVersion).isEqualTo("0.3.0"));
    }

    @Test
    void pauseStopsAllChangesUntilRemoved() {
        start(100);
        create("kv", 1, 3, spec -> {});
        awaitReady("kv");
        edit("kv", c -> c.getMetadata().getAnnotations().put(Constants.ANNOTATION_PAUSED, "true"));
        await().atMost(TIMEOUT)
                .untilAsserted(
                        () ->
                                assertThat(
                                                Conditions.find(
                                                        get("kv").getStatus().conditions,
                                                        Conditions.PROGRESSING))
                                        .hasValueSatisfying(
                                                c ->
                                                        assertThat(c.getReason())
                                                                .isEqualTo("Paused")));
        edit(
                "kv",
                c -> {
                    c.getSpec().getVolumes().replicas = 4;
                    c.getSpec().setVersion("9.9.9");
                });
        await().pollDelay(Duration.ofSeconds(3))
                .atMost(TIMEOUT)
                .untilAsserted(
                        () ->
                                assertThat(get("kv").getStatus().observedGeneration)
                                        .isEqualTo(get("kv").getMetadata().getGeneration()));
        StatefulSet volumes = statefulSet("kv-vol");
        assertThat(volumes.getSpec().getReplicas()).isEqualTo(3);
        assertThat(volumes.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("minikv-node:0.1.0");
        assertThat(eventReasons()).contains("Progressing");

        edit("kv", c -> c.getMetadata().getAnnotations().remove(Constants.ANNOTATION_PAUSED));
        await().atMost(TIMEOUT).until(() -> statefulSet("kv-vol").getSpec().getReplicas() == 4);
    }

    @Test
    void deletionLeavesOwnedObjectsToTheGarbageCollector() {
        start(100);
        create("kv", 1, 1, spec -> spec.setReplicationFactor(1));
        awaitReady("kv");
        String uid = get("kv").getMetadata().getUid();
        client.resources(MiniKVCluster.class).inNamespace(ns).withName("kv").delete();
        await().atMost(TIMEOUT).until(() -> get("kv") == null);
        // The mock API server has no garbage collector: check every owned object names the
        // cluster as its controlling owner, which is what makes Kubernetes delete it.
        List<io.fabric8.kubernetes.api.model.HasMetadata> owned = new java.util.ArrayList<>();
        owned.addAll(client.apps().statefulSets().inNamespace(ns).list().getItems());
        owned.addAll(client.services().inNamespace(ns).list().getItems());
        owned.addAll(
                client.configMaps()
                        .inNamespace(ns)
                        .withLabel(Constants.LABEL_MANAGED_BY)
                        .list()
                        .getItems());
        owned.addAll(client.secrets().inNamespace(ns).list().getItems());
        owned.addAll(client.policy().v1().podDisruptionBudget().inNamespace(ns).list().getItems());
        assertThat(owned)
                .extracting(o -> o.getKind() + "/" + o.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        "StatefulSet/kv-coord",
                        "StatefulSet/kv-vol",
                        "Service/kv-coord",
                        "Service/kv-coord-api",
                        "Service/kv-vol",
                        "Service/kv",
                        "ConfigMap/kv-config",
                        "Secret/kv-auth",
                        "PodDisruptionBudget/kv-coord",
                        "PodDisruptionBudget/kv-vol");
        for (var object : owned) {
            assertThat(object.getMetadata().getOwnerReferences())
                    .as("owner of %s %s", object.getKind(), object.getMetadata().getName())
                    .extracting(ref -> ref.getKind() + "/" + ref.getUid())
                    .containsExactly("MiniKVCluster/" + uid);
        }
        assertThat(
                        statefulSet("kv-vol")
                                .getSpec()
                                .getPersistentVolumeClaimRetentionPolicy()
                                .getWhenDeleted())
                .isEqualTo("Retain");
    }

    // --- helpers

    void start(long readyDelayMillis) {
        ns = "life-" + NAMESPACES.incrementAndGet();
        statefulSets = new FakeStatefulSetController(client, ns, readyDelayMillis);
        // A coordinator pod turns ready only once the operator has added it, as on the node.
        statefulSets.gateReadiness(
                pod -> {
                    int at = pod.lastIndexOf("-coord-");
                    return at < 0 || admins.of(ns, pod.substring(0, at)).mayBecomeReady(pod);
                });
    }

    void create(String name, int coordinators, int volumes, Consumer<MiniKVClusterSpec> customize) {
        MiniKVCluster cluster = new MiniKVCluster();
        cluster.setMetadata(
                new ObjectMetaBuilder()
                        .withName(name)
                        .withNamespace(ns)
                        .withAnnotations(new java.util.HashMap<>())
                        .build());
        MiniKVClusterSpec spec = new MiniKVClusterSpec();
        spec.getCoordinators().replicas = coordinators;
        spec.getVolumes().replicas = volumes;
        customize.accept(spec);
        cluster.setSpec(spec);
        client.resource(cluster).create();
    }

    /**
     * Edits the resource as a user would: read, change, write back. The operator writes the status
     * meanwhile, so a write can meet a newer resourceVersion (409); like {@code kubectl edit}, the
     * edit is then redone on the latest version.
     */
    void edit(String name, Consumer<MiniKVCluster> change) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(MiniKVCluster.class)
                        .inNamespace(ns)
                        .withName(name)
                        .edit(
                                c -> {
                                    if (c.getMetadata().getAnnotations() == null) {
                                        c.getMetadata().setAnnotations(new java.util.HashMap<>());
                                    }
                                    change.accept(c);
                                    return c;
                                });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (e.getCode() != 409 || attempt == 5) {
                    throw e;
                }
            }
        }
    }

    MiniKVCluster get(String name) {
        return client.resources(MiniKVCluster.class).inNamespace(ns).withName(name).get();
    }

    StatefulSet statefulSet(String name) {
        return client.apps().statefulSets().inNamespace(ns).withName(name).get();
    }

    void awaitReady(String name) {
        await().atMost(TIMEOUT)
                .untilAsserted(
                        () -> {
                            MiniKVCluster cluster = get(name);
                            assertThat(cluster.getStatus()).isNotNull();
                            assertThat(cluster.getStatus().observedGeneration)
                                    .isEqualTo(cluster.getMetadata().getGeneration());
                            assertThat(
                                            Conditions.isTrue(
                                                    cluster.getStatus().conditions,
                                                    Conditions.READY))
                                    .as("Ready in %s", cluster.getStatus().conditions)
                                    .isTrue();
                            assertThat(
                                            Conditions.isTrue(
                                                    cluster.getStatus().conditions,
                                                    Conditions.PROGRESSING))
                                    .as("Progressing in %s", cluster.getStatus().conditions)
                                    .isFalse();
                        });
    }

    List<String> eventReasons() {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .map(Event::getReason)
                .toList();
    }
}
