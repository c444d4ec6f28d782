package dev.whispem.minikv.operator.dependent;

import dev.whispem.minikv.operator.cluster.ClusterLabels;
import dev.whispem.minikv.operator.cluster.ClusterNames;
import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.javaoperatorsdk.operator.processing.event.ResourceID;

/**
 * Secret {@code x-encryption}: a random 256-bit AES key, generated once when encryption at rest is
 * on and the user supplied no key. Create-only: a new key would make the stored data unreadable.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class EncryptionKeySecret extends KubernetesDependentResource<Secret, MiniKVCluster>
        implements Creator<Secret, MiniKVCluster>, GarbageCollected<MiniKVCluster> {
    public static final String NAME = "encryption-key-secret";

    public EncryptionKeySecret() {
        super(Secret.class);
    }

    /** Found by name: computing desired() would generate fresh keys just to compare them. */
    @Override
    protected ResourceID targetSecondaryResourceID(
            MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return new ResourceID(
                ClusterNames.generatedEncryptionSecret(cluster),
                cluster.getMetadata().getNamespace());
    }

    @Override
    protected Secret desired(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return new SecretBuilder()
                .withNewMetadata()
                .withName(ClusterNames.generatedEncryptionSecret(cluster))
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(ClusterLabels.all(cluster, null))
                .endMetadata()
                .withType("Opaque")
                .addToData("key", GeneratedKeys.base64(GeneratedKeys.aesKey()))
                .build();
    }

    public static class Needed implements Condition<Secret, MiniKVCluster> {
        @Override
        public boolean isMet(
                DependentResource<Secret, MiniKVCluster> dependent,
                MiniKVCluster cluster,
                Context<MiniKVCluster> context) {
            var encryption = cluster.getSpec().getSecurity().encryptionAtRest;
            return encryption.enabled && encryption.keySecretName == null;
        }
    }
}
