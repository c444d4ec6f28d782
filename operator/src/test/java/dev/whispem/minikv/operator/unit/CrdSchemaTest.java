package dev.whispem.minikv.operator.unit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersion;
import org.junit.jupiter.api.Test;

/** What kubectl shows: names, short names, category, status subresource, columns, explanations. */
class CrdSchemaTest {

    @Test
    void miniKVCluster() {
        CustomResourceDefinition crd = Crds.load("minikvclusters");
        assertThat(crd.getSpec().getGroup()).isEqualTo("whispem.dev");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("mkv");
        assertThat(crd.getSpec().getNames().getCategories()).containsExactly("minikv");
        assertThat(crd.getSpec().getScope()).isEqualTo("Namespaced");
        CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
        assertThat(v.getName()).isEqualTo("v1alpha1");
        assertThat(v.getSubresources().getStatus()).isNotNull();
        assertThat(v.getAdditionalPrinterColumns())
                .extracting(c -> c.getName())
                .contains("Ready", "Coordinators", "Volumes", "Version", "Age");
        assertThat(Crds.at(crd, ".spec.replicationFactor").getDescription()).contains("1, 3 or 5");
        assertThat(Crds.at(crd, ".spec.coordinators.replicas").getDefault().asInt()).isEqualTo(3);
        assertThat(Crds.at(crd, ".spec.storage.compression").getEnum())
                .extracting(n -> n.asText())
                .containsExactlyInAnyOrder("none", "lz4", "zstd");
        assertThat(Crds.at(crd, ".status.conditions").getDescription()).contains("Ready");
        assertThat(Crds.at(crd, ".spec.volumes.pvcRetention.whenScaled").getEnum())
                .extracting(n -> n.asText())
                .containsExactlyInAnyOrder("Retain", "Delete");
    }

    @Test
    void whispemJob() {
        CustomResourceDefinition crd = Crds.load("whispemjobs");
        assertThat(crd.getSpec().getNames().getShortNames()).containsExactly("wj");
        assertThat(crd.getSpec().getNames().getCategories()).containsExactly("minikv");
        CustomResourceDefinitionVersion v = crd.getSpec().getVersions().get(0);
        assertThat(v.getSubresources().getStatus()).isNotNull();
        assertThat(v.getAdditionalPrinterColumns())
                .extracting(c -> c.getName())
                .contains("Phase", "Attempts", "Exit", "Age");
        assertThat(Crds.at(crd, ".status.phase").getEnum())
                .extracting(n -> n.asText())
                .containsExactlyInAnyOrder(
                        "Pending", "CompileFailed", "Running", "Succeeded", "Failed", "Suspended");
        assertThat(Crds.at(crd, ".spec.program.source").getDescription()).isNotBlank();
        assertThat(Crds.schema(crd).getProperties().get("spec").getRequired()).contains("program");
    }
}
