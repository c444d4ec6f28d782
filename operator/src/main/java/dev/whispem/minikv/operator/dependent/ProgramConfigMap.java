package dev.whispem.minikv.operator.dependent;

import dev.whispem.minikv.operator.Constants;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJob;
import dev.whispem.minikv.operator.job.JobNames;
import dev.whispem.minikv.operator.job.ResolvedProgram;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Base64;
import java.util.Map;

/** ConfigMap {@code j-program}: the compiled bytecode, mounted at /program/program.whbc. */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class ProgramConfigMap extends CRUDKubernetesDependentResource<ConfigMap, WhispemJob> {
    public static final String NAME = "program-config-map";
    public static final String SHA_ANNOTATION = Constants.GROUP + "/bytecode-sha256";

    public ProgramConfigMap() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(WhispemJob job, Context<WhispemJob> context) {
        ResolvedProgram program = ResolvedProgram.from(context);
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(JobNames.configMap(job))
                .withNamespace(job.getMetadata().getNamespace())
                .withLabels(JobNames.labels(job))
                .withAnnotations(Map.of(SHA_ANNOTATION, program.sha256()))
                .endMetadata()
                .withBinaryData(
                        Map.of(
                                Constants.PROGRAM_FILE,
                                Base64.getEncoder().encodeToString(program.bytecode())))
                .withImmutable(true)
                .build();
    }
}
