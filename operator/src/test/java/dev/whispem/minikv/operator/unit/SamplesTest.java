package dev.whispem.minikv.operator.unit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJob;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.StorageSpec;
import dev.whispem.runtime.CompileResult;
import dev.whispem.runtime.Whispem;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The samples in crds/samples/ deserialize into the CRD types, pass every CEL rule of their CRD
 * (the create-time ones; transition rules need an old object), and their programs compile.
 */
class SamplesTest {
    static final Path SAMPLES = Path.of("..", "crds", "samples");

    @Test
    void minimalCluster() throws IOException {
        MiniKVCluster cluster = load("minikvcluster-minimal.yaml", MiniKVCluster.class);
        assertThat(cluster.getSpec().getCoordinators().replicas).isEqualTo(1);
        assertThat(cluster.getSpec().getVolumes().replicas).isEqualTo(1);
        assertThat(cluster.getSpec().getReplicationFactor()).isEqualTo(1);
        assertThat(cluster.getSpec().getStorage().backend)
                .as("default")
                .isEqualTo(StorageSpec.Backend.ROCKSDB);
        assertPassesRules("minikvclusters", "minikvcluster-minimal.yaml");
    }

    @Test
    void productionCluster() throws IOException {
        MiniKVCluster cluster = load("minikvcluster-production.yaml", MiniKVCluster.class);
        assertThat(cluster.getSpec().getCoordinators().replicas).isEqualTo(3);
        assertThat(cluster.getSpec().getVolumes().replicas).isEqualTo(5);
        assertThat(cluster.getSpec().getStorage().compression)
                .isEqualTo(StorageSpec.Compression.ZSTD);
        assertThat(cluster.getSpec().getSecurity().tls.secretName).isEqualTo("kv-prod-tls");
        assertThat(cluster.getSpec().getScheduling().tolerations).hasSize(1);
        assertThat(cluster.getSpec().getVolumes().storage.storageClassName).isEqualTo("fast-ssd");
        assertPassesRules("minikvclusters", "minikvcluster-production.yaml");
    }

    @Test
    void helloJobCompiles() throws IOException {
        WhispemJob job = load("whispemjob-hello.yaml", WhispemJob.class);
        assertThat(Whispem.compile(job.getSpec().program.fileName, job.getSpec().program.source))
                .isInstanceOf(CompileResult.Compiled.class);
        assertPassesRules("whispemjobs", "whispemjob-hello.yaml");
    }

    @Test
    void wordCountJobUsesTheClusterAndCompiles() throws IOException {
        WhispemJob job = load("whispemjob-word-count.yaml", WhispemJob.class);
        assertThat(job.getSpec().kvClusterRef.name).isEqualTo("kv");
        assertThat(job.getSpec().args).contains("quick");
        assertThat(Whispem.compile(job.getSpec().program.fileName, job.getSpec().program.source))
                .isInstanceOf(CompileResult.Compiled.class);
        assertPassesRules("whispemjobs", "whispemjob-word-count.yaml");
    }

    static <T> T load(String file, Class<T> type) throws IOException {
        try (InputStream in = Files.newInputStream(SAMPLES.resolve(file))) {
            return Serialization.unmarshal(in, type);
        }
    }

    /**
     * Every rule without oldSelf, evaluated on the sample's value at the rule's path (when
     * present).
     */
    @SuppressWarnings("unchecked")
    static void assertPassesRules(String plural, String file) throws IOException {
        CustomResourceDefinition crd = Crds.load(plural);
        Map<String, Object> sample;
        try (InputStream in = Files.newInputStream(SAMPLES.resolve(file))) {
            sample = Serialization.unmarshal(in, Map.class);
        }
        for (Crds.Rule rule : Crds.rules(crd)) {
            if (rule.rule().contains("oldSelf")) {
                continue;
            }
            Object value = sample;
            for (String part : rule.path().substring(1).split("\\.")) {
                value = value instanceof Map<?, ?> map ? map.get(part) : null;
            }
            if (value != null) {
                assertThat(CelRulesTest.eval(rule.rule(), longs(value), null))
                        .as("%s: %s at %s", file, rule.message(), rule.path())
                        .isTrue();
            }
        }
    }

    /** YAML integers arrive as Integer; CEL's int is Java's long. */
    @SuppressWarnings("unchecked")
    static Object longs(Object value) {
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new java.util.LinkedHashMap<>();
            map.forEach((k, v) -> copy.put((String) k, longs(v)));
            return copy;
        }
        if (value instanceof java.util.List<?> list) {
            return list.stream().map(SamplesTest::longs).toList();
        }
        return value;
    }
}
