package dev.whispem.minikv.operator.unit;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * docs/operator/crd-reference.md is rendered from the checked-in CRDs (field, type, default,
 * description, validation rules). This test fails when it is stale; refresh it with {@code ./mvnw
 * -pl operator verify -Dcrds.update=true}.
 */
class CrdReferenceTest {
    static final Path DOC = Path.of("..", "docs", "operator", "crd-reference.md");

    /** Kubernetes' own types, documented upstream: listed as one row, not expanded. */
    static final Set<String> UPSTREAM =
            Set.of(
                    ".spec.coordinators.resources",
                    ".spec.volumes.resources",
                    ".spec.resources",
                    ".spec.scheduling.affinity",
                    ".spec.scheduling.tolerations",
                    ".spec.scheduling.topologySpreadConstraints",
                    ".status.conditions");

    @Test
    void referenceIsCurrent() throws IOException {
        String rendered = render();
        if (Boolean.getBoolean("crds.update")) {
            Files.writeString(DOC, rendered);
        }
        assertThat(Files.exists(DOC) ? Files.readString(DOC) : "")
                .as(
                        "%s is stale: run ./mvnw -pl operator verify -Dcrds.update=true",
                        DOC.normalize())
                .isEqualTo(rendered);
    }

    static String render() {
        StringBuilder out = new StringBuilder();
        out.append("# CRD reference\n\n");
        out.append(
                "Generated from `crds/*.yml` by `CrdReferenceTest` (refresh: `./mvnw -pl operator verify -Dcrds.update=true`).\n");
        out.append(
                "Group `whispem.dev`, version `v1alpha1`. See [guide.md](guide.md) for how the fields are used.\n");
        for (String plural : List.of("minikvclusters", "whispemjobs")) {
            CustomResourceDefinition crd = Crds.load(plural);
            var names = crd.getSpec().getNames();
            out.append("\n## ").append(names.getKind()).append("\n\n");
            out.append("`kubectl get ")
                    .append(names.getPlural())
                    .append("` — short name `")
                    .append(String.join("`, `", names.getShortNames()))
                    .append("`, category `")
                    .append(String.join("`, `", names.getCategories()))
                    .append("`. Printer columns: ")
                    .append(
                            String.join(
                                    ", ",
                                    crd
                                            .getSpec()
                                            .getVersions()
                                            .get(0)
                                            .getAdditionalPrinterColumns()
                                            .stream()
                                            .map(c -> c.getName())
                                            .toList()))
                    .append(".\n");
            for (String section : List.of("spec", "status")) {
                out.append("\n### ")
                        .append(names.getKind())
                        .append(".")
                        .append(section)
                        .append("\n\n");
                out.append("| field | type | default | description |\n| --- | --- | --- | --- |\n");
                rows(Crds.schema(crd).getProperties().get(section), "." + section, out);
            }
        }
        return out.toString();
    }

    static void rows(JSONSchemaProps schema, String path, StringBuilder out) {
        Map<String, JSONSchemaProps> properties =
                new TreeMap<>(schema.getProperties() == null ? Map.of() : schema.getProperties());
        List<String> required = schema.getRequired() == null ? List.of() : schema.getRequired();
        for (Map.Entry<String, JSONSchemaProps> entry : properties.entrySet()) {
            String field = path + "." + entry.getKey();
            JSONSchemaProps p = entry.getValue();
            StringBuilder description =
                    new StringBuilder(p.getDescription() == null ? "" : p.getDescription());
            if (required.contains(entry.getKey())) {
                description.append(" Required.");
            }
            if (p.getEnum() != null && !p.getEnum().isEmpty()) {
                description
                        .append(" One of: ")
                        .append(
                                String.join(
                                        ", ",
                                        p.getEnum().stream()
                                                .map(n -> "`" + n.asText() + "`")
                                                .toList()))
                        .append(".");
            }
            if (p.getMinimum() != null) {
                description.append(" Minimum ").append(p.getMinimum().longValue()).append(".");
            }
            if (p.getPattern() != null) {
                description.append(" Pattern `").append(p.getPattern()).append("`.");
            }
            if (p.getXKubernetesValidations() != null) {
                for (ValidationRule rule : p.getXKubernetesValidations()) {
                    description
                            .append(" Rule `")
                            .append(rule.getRule())
                            .append("`: \"")
                            .append(rule.getMessage())
                            .append("\".");
                }
            }
            String type = p.getType() == null ? "object" : p.getType();
            if ("array".equals(type) && p.getItems() != null && p.getItems().getSchema() != null) {
                type =
                        "[]"
                                + (p.getItems().getSchema().getType() == null
                                        ? "object"
                                        : p.getItems().getSchema().getType());
            }
            out.append("| `")
                    .append(field.substring(1))
                    .append("` | ")
                    .append(type)
                    .append(" | ")
                    .append(p.getDefault() == null ? "" : "`" + p.getDefault().toString() + "`")
                    .append(" | ")
                    .append(description.toString().trim().replace("|", "\\|").replace("\n", " "))
                    .append(" |\n");
            if (UPSTREAM.contains(field)) {
                continue;
            }
            if (p.getProperties() != null) {
                rows(p, field, out);
            } else if (p.getItems() != null
                    && p.getItems().getSchema() != null
                    && p.getItems().getSchema().getProperties() != null) {
                rows(p.getItems().getSchema(), field + "[]", out);
            }
        }
    }
}
