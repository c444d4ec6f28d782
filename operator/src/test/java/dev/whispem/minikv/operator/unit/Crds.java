package dev.whispem.minikv.operator.unit;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaProps;
import io.fabric8.kubernetes.api.model.apiextensions.v1.ValidationRule;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checked-in CRDs (crds/, kept equal to the generated ones by CrdFreshnessTest) and their CEL
 * rules.
 */
final class Crds {
    private Crds() {}

    static final Path DIR = Path.of("..", "crds");

    static CustomResourceDefinition load(String plural) {
        try (InputStream in = Files.newInputStream(DIR.resolve(plural + ".whispem.dev-v1.yml"))) {
            return Serialization.unmarshal(in, CustomResourceDefinition.class);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static JSONSchemaProps schema(CustomResourceDefinition crd) {
        return crd.getSpec().getVersions().get(0).getSchema().getOpenAPIV3Schema();
    }

    /** A CEL rule and the schema path it is attached to, e.g. {@code .spec.coordinators}. */
    record Rule(String path, String rule, String message) {}

    static List<Rule> rules(CustomResourceDefinition crd) {
        List<Rule> rules = new ArrayList<>();
        collect(schema(crd), "", rules);
        return rules;
    }

    private static void collect(JSONSchemaProps schema, String path, List<Rule> rules) {
        if (schema == null) {
            return;
        }
        if (schema.getXKubernetesValidations() != null) {
            for (ValidationRule rule : schema.getXKubernetesValidations()) {
                rules.add(new Rule(path.isEmpty() ? "." : path, rule.getRule(), rule.getMessage()));
            }
        }
        if (schema.getProperties() != null) {
            for (Map.Entry<String, JSONSchemaProps> property : schema.getProperties().entrySet()) {
                collect(property.getValue(), path + "." + property.getKey(), rules);
            }
        }
        if (schema.getItems() != null) {
            collect(schema.getItems().getSchema(), path + "[]", rules);
        }
    }

    /** The schema at a path like {@code .spec.volumes.replicas}. */
    static JSONSchemaProps at(CustomResourceDefinition crd, String path) {
        JSONSchemaProps schema = schema(crd);
        for (String part : path.substring(1).split("\\.")) {
            schema = schema.getProperties().get(part);
        }
        return schema;
    }
}
