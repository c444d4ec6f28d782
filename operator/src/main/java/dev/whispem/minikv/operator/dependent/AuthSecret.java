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
 * Secret {@code x-auth}, generated once when auth is on and the user supplied no Secret: an RSA key
 * pair for JWTs and an admin token. Create-only: keys are never regenerated behind the user's back.
 */
@KubernetesDependent(informer = @Informer(labelSelector = Selectors.MANAGED))
public class AuthSecret extends KubernetesDependentResource<Secret, MiniKVCluster>
        implements Creator<Secret, MiniKVCluster>, GarbageCollected<MiniKVCluster> {
    public static final String NAME = "auth-secret";

    public AuthSecret() {
        super(Secret.class);
    }

    /** Found by name: computing desired() would generate fresh keys just to compare them. */
    @Override
    protected ResourceID targetSecondaryResourceID(
            MiniKVCluster cluster, Context<MiniKVCluster> context) {
        return new ResourceID(
                ClusterNames.generatedAuthSecret(cluster), cluster.getMetadata().getNamespace());
    }

    @Override
    protected Secret desired(MiniKVCluster cluster, Context<MiniKVCluster> context) {
        GeneratedKeys.JwtKeyPair keys = GeneratedKeys.jwtKeyPair();
        return new SecretBuilder()
                .withNewMetadata()
                .withName(ClusterNames.generatedAuthSecret(cluster))
                .withNamespace(cluster.getMetadata().getNamespace())
                .withLabels(ClusterLabels.all(cluster, null))
                .endMetadata()
                .withType("Opaque")
                .addToData("jwt-private.pem", GeneratedKeys.base64(keys.privatePem()))
                .addToData("jwt-public.pem", GeneratedKeys.base64(keys.publicPem()))
                .addToData("admin-token", GeneratedKeys.base64(GeneratedKeys.token()))
                .addToData("job-token", GeneratedKeys.base64(GeneratedKeys.token()))
                .build();
    }

    /** Generated only when auth is on and no Secret was named in the spec. */
    public static class Needed implements Condition<Secret, MiniKVCluster> {
        @Override
        public boolean isMet(
                DependentResource<Secret, MiniKVCluster> dependent,
                MiniKVCluster cluster,
                Context<MiniKVCluster> context) {
            var auth = cluster.getSpec().getSecurity().auth;
            return auth.enabled && auth.secretName == null;
        }
    }
}
