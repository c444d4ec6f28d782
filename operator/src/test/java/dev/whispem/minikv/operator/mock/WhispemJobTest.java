package dev.whispem.minikv.operator.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.whispem.minikv.operator.Constants;
import dev.whispem.minikv.operator.cluster.Conditions;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVClusterSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJob;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJobSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJobStatus.Phase;
import dev.whispem.minikv.operator.crd.v1alpha1.job.KvClusterRef;
import dev.whispem.minikv.operator.job.ResolvedProgram;
import dev.whispem.minikv.operator.mock.fake.FakeJobController;
import dev.whispem.minikv.operator.mock.fake.FakePodLogReader;
import dev.whispem.runtime.CompileResult;
import dev.whispem.runtime.Diagnostic;
import dev.whispem.runtime.Whispem;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapKeySelector;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WhispemJobs against the mock API server, with a fake Job controller and scripted pod output. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class WhispemJobTest {
    static final AtomicInteger NAMESPACES = new AtomicInteger();
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final String HELLO = "print \"hello, world\"\n";

    @Inject KubernetesClient client;
    @Inject FakePodLogReader logs;

    String ns;
    FakeJobController jobs;

    @AfterEach
    void stop() {
        if (jobs != null) {
            jobs.close();
        }
    }

    @Test
    void helloCompilesRunsAndSucceeds() {
        start();
        logs.printed(ns, "hello-0", "hello, world\n");
        create(
                "hello",
                spec -> {
                    spec.program.source = HELLO;
                    spec.args = List.of("a", "b");
                });
        WhispemJob done = awaitPhase("hello", Phase.Succeeded);

        byte[] expected = ((CompileResult.Compiled) Whispem.compile("hello.wsp", HELLO)).bytecode();
        assertThat(done.getStatus().bytecodeSha256).isEqualTo(ResolvedProgram.sha256(expected));
        assertThat(done.getStatus().exitCode).isZero();
        assertThat(done.getStatus().attempts).isEqualTo(1);
        assertThat(done.getStatus().output).isEqualTo("hello, world\n");
        assertThat(done.getStatus().startTime).isNotNull();
        assertThat(done.getStatus().completionTime).isNotNull();
        assertThat(Conditions.isTrue(done.getStatus().conditions, "Compiled")).isTrue();
        assertThat(Conditions.isTrue(done.getStatus().conditions, "Complete")).isTrue();

        ConfigMap program = client.configMaps().inNamespace(ns).withName("hello-program").get();
        assertThat(Base64.getDecoder().decode(program.getBinaryData().get("program.whbc")))
                .isEqualTo(expected);
        Job job = client.batch().v1().jobs().inNamespace(ns).withName("hello").get();
        Container wvm = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(wvm.getCommand()).containsExactly("wvm", "/program/program.whbc", "a", "b");
        assertThat(wvm.getImage()).isEqualTo(WhispemJobSpec.DEFAULT_IMAGE);
        assertThat(wvm.getEnv()).isEmpty();
        assertThat(job.getSpec().getTemplate().getSpec().getRestartPolicy()).isEqualTo("Never");
        assertThat(
                        job.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getVolumes()
                                .get(0)
                                .getConfigMap()
                                .getName())
                .isEqualTo("hello-program");
        assertThat(job.getMetadata().getOwnerReferences())
                .extracting(r -> r.getKind())
                .containsExactly("WhispemJob");
        await().atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(eventReasons()).contains("Running", "Succeeded"));
    }

    @Test
    void compileErrorStartsNothingAndReportsLineAndColumn() {
        start();
        String broken = "print 1\nlet = 3\n";
        Diagnostic expected =
                ((CompileResult.Failed) Whispem.compile("broken.wsp", broken)).diagnostics().get(0);
        create("broken", spec -> spec.program.source = broken);
        WhispemJob failed = awaitPhase("broken", Phase.CompileFailed);

        assertThat(failed.getStatus().compileErrors)
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.line).isEqualTo(2);
                            assertThat(e.line).isEqualTo(expected.line());
                            assertThat(e.column).isEqualTo(expected.column());
                            assertThat(e.message).isEqualTo(expected.message());
                        });
        assertThat(Conditions.find(failed.getStatus().conditions, "Compiled"))
                .hasValueSatisfying(
                        c -> {
                            assertThat(c.getStatus()).isEqualTo("False");
                            assertThat(c.getReason()).isEqualTo("CompileError");
                            assertThat(c.getMessage()).isEqualTo(expected.format("broken.wsp"));
                        });
        await().pollDelay(Duration.ofSeconds(2))
                .atMost(TIMEOUT)
                .untilAsserted(() -> assertThat(eventReasons()).contains("CompileError"));
        assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
        assertThat(client.configMaps().inNamespace(ns).withName("broken-program").get()).isNull();
    }

    @Test
    void failingProgramIsRetriedUpToTheBackoffLimitThenFails() {
        start();
        jobs.script("crash", 3, 3, 3);
        logs.printed(ns, "crash-1", "Error: boom\n");
        create(
                "crash",
                spec -> {
                    spec.program.source = "assert(false, \"boom\")\n";
                    spec.backoffLimit = 1;
                });
        WhispemJob failed = awaitPhase("crash", Phase.Failed);
        assertThat(failed.getStatus().attempts).isEqualTo(2);
        assertThat(failed.getStatus().exitCode).isEqualTo(3);
        assertThat(failed.getStatus().output).isEqualTo("Error: boom\n");
        assertThat(Conditions.find(failed.getStatus().conditions, "Failed"))
                .hasValueSatisfying(
                        c -> assertThat(c.getReason()).isEqualTo("BackoffLimitExceeded"));
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(eventReasons()).contains("Failed"));
    }

    @Test
    void retrySucceedsAfterAFailedAttempt() {
        start();
        jobs.script("flaky", 1, 0);
        create("flaky", spec -> spec.program.source = HELLO);
        WhispemJob done = awaitPhase("flaky", Phase.Succeeded);
        assertThat(done.getStatus().attempts).isEqualTo(2);
        assertThat(done.getStatus().exitCode).isZero();
    }

    @Test
    void suspendedJobStartsNoPodUntilResumed() {
        start();
        create(
                "later",
                spec -> {
                    spec.program.source = HELLO;
                    spec.suspend = true;
                });
        awaitPhase("later", Phase.Suspended);
        assertThat(
                        client.batch()
                                .v1()
                                .jobs()
                                .inNamespace(ns)
                                .withName("later")
                                .get()
                                .getSpec()
                                .getSuspend())
                .isTrue();
        assertThat(client.pods().inNamespace(ns).list().getItems()).isEmpty();
        client.resources(WhispemJob.class)
                .inNamespace(ns)
                .withName("later")
                .edit(
                        j -> {
                            j.getSpec().suspend = false;
                            return j;
                        });
        awaitPhase("later", Phase.Succeeded);
    }

    @Test
    void sourceFromConfigMapAndClusterAccess() {
        start();
        client.resource(
                        new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("programs")
                                .withNamespace(ns)
                                .endMetadata()
                                .addToData(
                                        "count.wsp",
                                        "kv_put(\"words\", \"3\")\nprint kv_get(\"words\")\n")
                                .build())
                .create();
        MiniKVCluster cluster = new MiniKVCluster();
        cluster.setMetadata(new ObjectMetaBuilder().withName("kv").withNamespace(ns).build());
        cluster.setSpec(new MiniKVClusterSpec());
        client.resource(cluster).create();
        create(
                "count",
                spec -> {
                    spec.program.sourceFrom =
                            new ConfigMapKeySelector("count.wsp", "programs", false);
                    spec.kvClusterRef = new KvClusterRef();
                    spec.kvClusterRef.name = "kv";
                });
        awaitPhase("count", Phase.Succeeded);
        Container wvm =
                client.batch()
                        .v1()
                        .jobs()
                        .inNamespace(ns)
                        .withName("count")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0);
        assertThat(wvm.getEnv())
                .anySatisfy(
                        e -> {
                            assertThat(e.getName()).isEqualTo(Constants.ENV_MINIKV_URL);
                            assertThat(e.getValue()).isEqualTo("http://kv." + ns + ".svc:8080");
                        });
        assertThat(wvm.getEnv())
                .anySatisfy(
                        e -> {
                            assertThat(e.getName()).isEqualTo(Constants.ENV_MINIKV_TOKEN);
                            assertThat(e.getValueFrom().getSecretKeyRef().getName())
                                    .isEqualTo("kv-auth");
                            assertThat(e.getValueFrom().getSecretKeyRef().getKey())
                                    .isEqualTo("job-token");
                        });
    }

    @Test
    void missingClusterKeepsTheJobPending() {
        start();
        create(
                "orphan",
                spec -> {
                    spec.program.source = HELLO;
                    spec.kvClusterRef = new KvClusterRef();
                    spec.kvClusterRef.name = "nope";
                });
        WhispemJob pending = awaitPhase("orphan", Phase.Pending);
        assertThat(Conditions.find(pending.getStatus().conditions, "Compiled"))
                .hasValueSatisfying(c -> assertThat(c.getReason()).isEqualTo("KvClusterNotFound"));
        assertThat(client.batch().v1().jobs().inNamespace(ns).list().getItems()).isEmpty();
    }

    @Test
    void bytecodeRunsAsGiven() {
        start();
        byte[] bytecode = ((CompileResult.Compiled) Whispem.compile("x.wsp", HELLO)).bytecode();
        create(
                "prebuilt",
                spec -> spec.program.bytecode = Base64.getEncoder().encodeToString(bytecode));
        WhispemJob done = awaitPhase("prebuilt", Phase.Succeeded);
        assertThat(done.getStatus().bytecodeSha256).isEqualTo(ResolvedProgram.sha256(bytecode));
    }

    // --- helpers

    void start() {
        ns = "wj-" + NAMESPACES.incrementAndGet();
        jobs = new FakeJobController(client, ns, 200);
    }

    void create(String name, Consumer<WhispemJobSpec> customize) {
        WhispemJob job = new WhispemJob();
        job.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        WhispemJobSpec spec = new WhispemJobSpec();
        customize.accept(spec);
        job.setSpec(spec);
        client.resource(job).create();
    }

    WhispemJob awaitPhase(String name, Phase phase) {
        return await().atMost(TIMEOUT)
                .until(
                        () ->
                                client.resources(WhispemJob.class)
                                        .inNamespace(ns)
                                        .withName(name)
                                        .get(),
                        j -> j != null && j.getStatus() != null && j.getStatus().phase == phase);
    }

    List<String> eventReasons() {
        return client.v1().events().inNamespace(ns).list().getItems().stream()
                .map(Event::getReason)
                .toList();
    }
}
