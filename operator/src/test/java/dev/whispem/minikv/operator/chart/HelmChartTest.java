package dev.whispem.minikv.operator.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Lints and renders charts/minikv-operator through helm-java (the real Helm library, via JNI). */
class HelmChartTest {
    static final Path CHART = Path.of("..", "charts", "minikv-operator");

    @Test
    void lintIsClean() {
        LintResult result = new Helm(CHART).lint().strict().call();
        assertThat(result.isFailed()).as("helm lint: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages())
                .noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void defaultsWatchAllNamespacesWithAClusterRole() {
        List<HasMetadata> objects = render(t -> t);
        Deployment deployment = only(objects, Deployment.class);
        var container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("minikv-operator:0.1.0");
        assertThat(env(deployment, "QUARKUS_OPERATOR_SDK_NAMESPACES"))
                .isEqualTo("JOSDK_ALL_NAMESPACES");
        assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
        assertThat(deployment.getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("minikv-operator");

        ClusterRole role = only(objects, ClusterRole.class);
        assertThat(role.getRules())
                .anySatisfy(
                        r -> {
                            assertThat(r.getApiGroups()).containsExactly("apps");
                            assertThat(r.getResources()).containsExactly("statefulsets");
                        });
        // Least privilege: no wildcard anywhere.
        assertThat(role.getRules())
                .allSatisfy(
                        r -> {
                            assertThat(r.getVerbs()).doesNotContain("*");
                            assertThat(r.getResources()).doesNotContain("*");
                        });
        assertThat(ofKind(objects, Role.class))
                .singleElement()
                .satisfies(r -> assertThat(r.getMetadata().getName()).endsWith("-leader-election"));
        assertThat(ofKind(objects, Service.class))
                .singleElement()
                .satisfies(
                        s ->
                                assertThat(s.getMetadata().getName())
                                        .isEqualTo("minikv-operator-metrics"));
        assertThat(objects).noneMatch(o -> o.getKind().equals("ServiceMonitor"));
    }

    @Test
    void listModeGetsARolePerWatchedNamespaceAndNoClusterRole() {
        List<HasMetadata> objects =
                render(
                        t ->
                                t.set("watchNamespaces.mode", "list")
                                        .set("watchNamespaces.namespaces[0]", "team-a")
                                        .set("watchNamespaces.namespaces[1]", "team-b"));
        assertThat(ofKind(objects, ClusterRole.class)).isEmpty();
        assertThat(ofKind(objects, Role.class))
                .extracting(r -> r.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("team-a", "team-b", "operators");
        assertThat(ofKind(objects, RoleBinding.class)).hasSize(3);
        assertThat(env(only(objects, Deployment.class), "QUARKUS_OPERATOR_SDK_NAMESPACES"))
                .isEqualTo("team-a,team-b");
    }

    @Test
    void currentModeWatchesTheReleaseNamespace() {
        List<HasMetadata> objects = render(t -> t.set("watchNamespaces.mode", "current"));
        assertThat(env(only(objects, Deployment.class), "QUARKUS_OPERATOR_SDK_NAMESPACES"))
                .isEqualTo("JOSDK_WATCH_CURRENT");
        assertThat(ofKind(objects, ClusterRole.class)).isEmpty();
        assertThat(ofKind(objects, Role.class))
                .extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
                .containsExactlyInAnyOrder(
                        "operators/minikv-operator", "operators/minikv-operator-leader-election");
    }

    @Test
    void serviceMonitorWhenEnabled() {
        String rendered =
                template(
                        t ->
                                t.set("metrics.serviceMonitor.enabled", true)
                                        .set("metrics.serviceMonitor.labels.release", "prom"));
        assertThat(rendered)
                .contains("kind: ServiceMonitor")
                .contains("path: /q/metrics")
                .contains("release: prom");
    }

    @Test
    void schemaRejectsAnUnknownWatchMode() {
        assertThatThrownBy(() -> template(t -> t.set("watchNamespaces.mode", "some")))
                .hasMessageContaining("watchNamespaces.mode");
    }

    static String template(UnaryOperator<TemplateCommand> values) {
        return values.apply(
                        new Helm(CHART)
                                .template()
                                .withName("minikv-operator")
                                .withNamespace("operators"))
                .call();
    }

    static List<HasMetadata> render(UnaryOperator<TemplateCommand> values) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : template(values).split("(?m)^---\\s*$")) {
            if (document.lines().anyMatch(l -> l.startsWith("kind:"))) {
                Object parsed =
                        Serialization.unmarshal(
                                new ByteArrayInputStream(
                                        document.getBytes(StandardCharsets.UTF_8)));
                if (parsed instanceof HasMetadata object) {
                    objects.add(object);
                }
            }
        }
        return objects;
    }

    static <T> List<T> ofKind(List<HasMetadata> objects, Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    static <T> T only(List<HasMetadata> objects, Class<T> kind) {
        List<T> found = ofKind(objects, kind);
        assertThat(found).as("objects of kind %s", kind.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    static String env(Deployment deployment, String name) {
        return deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals(name))
                .findFirst()
                .map(e -> e.getValue())
                .orElseThrow(() -> new AssertionError("no env " + name + " in " + Map.of()));
    }
}
