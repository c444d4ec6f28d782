package dev.whispem.minikv.operator.unit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVClusterSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJobSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.job.ProgramSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.CoordinatorsSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.PersistenceSpec;
import dev.whispem.minikv.operator.crd.v1alpha1.spec.SecuritySpec;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CRDs carry a CEL rule (x-kubernetes-validations) for every invariant, with these exact
 * messages; the rules themselves are evaluated here with the CEL reference implementation for Java
 * (dev.cel), as the API server would evaluate them. No API server runs in this environment.
 */
class CelRulesTest {
    static final CustomResourceDefinition CLUSTER = Crds.load("minikvclusters");
    static final CustomResourceDefinition JOB = Crds.load("whispemjobs");
    static final Cel CEL =
            CelFactory.standardCelBuilder()
                    .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                    .addVar("self", SimpleType.DYN)
                    .addVar("oldSelf", SimpleType.DYN)
                    .build();

    @Test
    void miniKVClusterCarriesEveryInvariantWithItsMessage() {
        assertThat(Crds.rules(CLUSTER))
                .extracting(r -> r.path() + " => " + r.message())
                .containsExactlyInAnyOrder(
                        ".spec => " + MiniKVClusterSpec.RF_EXCEEDS_VOLUMES,
                        ".spec.replicationFactor => " + MiniKVClusterSpec.RF_ODD,
                        ".spec.replicationFactor => " + MiniKVClusterSpec.RF_IMMUTABLE,
                        ".spec.shardGroups => " + MiniKVClusterSpec.GROUPS_DIVIDE_SHARDS,
                        ".spec.shardGroups => " + MiniKVClusterSpec.GROUPS_IMMUTABLE,
                        ".spec.coordinators.replicas => " + CoordinatorsSpec.ODD_REPLICAS,
                        ".spec.coordinators.storage => " + PersistenceSpec.IMMUTABLE_CLASS,
                        ".spec.volumes.storage => " + PersistenceSpec.IMMUTABLE_CLASS,
                        ".spec.coordinators.storage => " + PersistenceSpec.IMMUTABLE_SIZE,
                        ".spec.volumes.storage => " + PersistenceSpec.IMMUTABLE_SIZE,
                        ".spec.security.tls => " + SecuritySpec.TLS_NEEDS_SECRET);
        assertThat(MiniKVClusterSpec.RF_EXCEEDS_VOLUMES)
                .isEqualTo("replicationFactor must not exceed volumes.replicas");
        assertThat(CoordinatorsSpec.ODD_REPLICAS)
                .isEqualTo("coordinators.replicas must be 1, 3 or 5 (an odd-sized quorum)");
        assertThat(PersistenceSpec.IMMUTABLE_CLASS).isEqualTo("storageClassName is immutable");
        assertThat(Crds.at(CLUSTER, ".spec.volumes.replicas").getMinimum()).isEqualTo(1.0);
    }

    @Test
    void whispemJobCarriesItsRules() {
        assertThat(Crds.rules(JOB))
                .extracting(r -> r.path() + " => " + r.message())
                .containsExactlyInAnyOrder(
                        ".spec.program => " + ProgramSpec.EXACTLY_ONE,
                        ".spec.program => " + WhispemJobSpec.PROGRAM_IMMUTABLE,
                        ".spec.args => " + WhispemJobSpec.ARGS_IMMUTABLE);
    }

    @Test
    void coordinatorsMustBeAnOddQuorum() {
        String rule = rule(CLUSTER, ".spec.coordinators.replicas");
        assertThat(List.of(1L, 3L, 5L)).allMatch(n -> eval(rule, n, null));
        assertThat(List.of(0L, 2L, 4L, 6L, 7L)).noneMatch(n -> eval(rule, n, null));
    }

    @Test
    void replicationFactorIsOddAndAtMostTheVolumeCount() {
        String odd = ruleWithMessage(CLUSTER, MiniKVClusterSpec.RF_ODD);
        assertThat(eval(odd, 3L, null)).isTrue();
        assertThat(eval(odd, 2L, null)).isFalse();
        String bounded = rule(CLUSTER, ".spec");
        assertThat(
                        eval(
                                bounded,
                                Map.of("replicationFactor", 3L, "volumes", Map.of("replicas", 3L)),
                                null))
                .isTrue();
        assertThat(
                        eval(
                                bounded,
                                Map.of("replicationFactor", 3L, "volumes", Map.of("replicas", 2L)),
                                null))
                .isFalse();
        assertThat(
                        eval(
                                bounded,
                                Map.of("replicationFactor", 1L, "volumes", Map.of("replicas", 1L)),
                                null))
                .isTrue();
    }

    @Test
    void replicationFactorIsFixedAtCreation() {
        String rule = ruleWithMessage(CLUSTER, MiniKVClusterSpec.RF_IMMUTABLE);
        assertThat(eval(rule, 3L, 3L)).isTrue();
        assertThat(eval(rule, 5L, 3L)).isFalse();
    }

    @Test
    void shardGroupsDivideTheShardsAndAreFixedAtCreation() {
        String divides = ruleWithMessage(CLUSTER, MiniKVClusterSpec.GROUPS_DIVIDE_SHARDS);
        assertThat(List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L))
                .allMatch(n -> eval(divides, n, null));
        assertThat(List.of(0L, 3L, 6L, 12L, 257L, 512L)).noneMatch(n -> eval(divides, n, null));
        String fixed = ruleWithMessage(CLUSTER, MiniKVClusterSpec.GROUPS_IMMUTABLE);
        assertThat(eval(fixed, 8L, 8L)).isTrue();
        assertThat(eval(fixed, 2L, 8L)).isFalse();
        assertThat(Crds.at(CLUSTER, ".spec.shardGroups").getDefault().asInt()).isEqualTo(8);
    }

    @Test
    void storageSizeCannotChange() {
        String rule = ruleWithMessage(CLUSTER, PersistenceSpec.IMMUTABLE_SIZE);
        assertThat(eval(rule, Map.of("size", "10Gi"), Map.of("size", "10Gi"))).isTrue();
        assertThat(
                        eval(
                                rule,
                                Map.of("size", "20Gi", "storageClassName", "x"),
                                Map.of("size", "10Gi", "storageClassName", "x")))
                .isFalse();
    }

    @Test
    void storageClassCannotChange() {
        String rule = ruleWithMessage(CLUSTER, PersistenceSpec.IMMUTABLE_CLASS);
        Map<String, Object> fast = Map.of("size", "10Gi", "storageClassName", "fast");
        Map<String, Object> slow = Map.of("size", "10Gi", "storageClassName", "slow");
        Map<String, Object> unset = Map.of("size", "10Gi");
        assertThat(eval(rule, fast, fast)).isTrue();
        assertThat(eval(rule, Map.of("size", "20Gi", "storageClassName", "fast"), fast))
                .as("this rule is about the class only")
                .isTrue();
        assertThat(eval(rule, slow, fast)).isFalse();
        assertThat(eval(rule, unset, unset)).isTrue();
        assertThat(eval(rule, fast, unset)).as("setting it later is a change").isFalse();
        assertThat(eval(rule, unset, fast)).isFalse();
    }

    @Test
    void tlsNeedsASecret() {
        String rule = rule(CLUSTER, ".spec.security.tls");
        assertThat(eval(rule, Map.of("enabled", false), null)).isTrue();
        assertThat(eval(rule, Map.of("enabled", true, "secretName", "tls"), null)).isTrue();
        assertThat(eval(rule, Map.of("enabled", true), null)).isFalse();
    }

    @Test
    void aProgramHasExactlyOneSource() {
        String rule =
                Crds.rules(JOB).stream()
                        .filter(r -> r.message().equals(ProgramSpec.EXACTLY_ONE))
                        .findFirst()
                        .orElseThrow()
                        .rule();
        assertThat(eval(rule, Map.of("source", "print 1"), null)).isTrue();
        assertThat(eval(rule, Map.of("bytecode", "AAAA"), null)).isTrue();
        assertThat(eval(rule, Map.of("sourceFrom", Map.of("name", "cm", "key", "k")), null))
                .isTrue();
        assertThat(eval(rule, Map.of("source", "print 1", "bytecode", "AAAA"), null)).isFalse();
        assertThat(eval(rule, Map.of("fileName", "x.wsp"), null)).isFalse();
    }

    @Test
    void programAndArgsAreImmutable() {
        String program =
                Crds.rules(JOB).stream()
                        .filter(r -> r.message().equals(WhispemJobSpec.PROGRAM_IMMUTABLE))
                        .findFirst()
                        .orElseThrow()
                        .rule();
        assertThat(eval(program, Map.of("source", "print 1"), Map.of("source", "print 1")))
                .isTrue();
        assertThat(eval(program, Map.of("source", "print 2"), Map.of("source", "print 1")))
                .isFalse();
        String args = rule(JOB, ".spec.args");
        assertThat(eval(args, List.of("a"), List.of("a"))).isTrue();
        assertThat(eval(args, List.of("a", "b"), List.of("a"))).isFalse();
    }

    static String ruleWithMessage(CustomResourceDefinition crd, String message) {
        return Crds.rules(crd).stream()
                .filter(r -> r.message().equals(message))
                .findFirst()
                .orElseThrow()
                .rule();
    }

    static String rule(CustomResourceDefinition crd, String path) {
        List<Crds.Rule> rules =
                Crds.rules(crd).stream().filter(r -> r.path().equals(path)).toList();
        assertThat(rules).as("rules at %s", path).hasSize(1);
        return rules.get(0).rule();
    }

    static boolean eval(String rule, Object self, Object oldSelf) {
        try {
            Map<String, Object> vars = new HashMap<>();
            vars.put("self", self);
            if (oldSelf != null) {
                vars.put("oldSelf", oldSelf);
            }
            return (Boolean) CEL.createProgram(CEL.compile(rule).getAst()).eval(vars);
        } catch (Exception e) {
            throw new AssertionError("CEL rule " + rule + " on " + self + ": " + e.getMessage(), e);
        }
    }
}
