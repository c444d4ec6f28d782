package dev.whispem.minikv.operator;

import static dev.whispem.minikv.operator.Constants.LABEL_INSTANCE;
import static dev.whispem.minikv.operator.Constants.LABEL_MANAGED_BY;
import static dev.whispem.minikv.operator.Constants.LABEL_NAME;
import static dev.whispem.minikv.operator.Constants.OPERATOR_NAME;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.util.Set;

/**
 * Watches the pods this operator created for one kind of primary (selected by the {@code
 * app.kubernetes.io/name} label) and maps each back to its primary through the {@code
 * app.kubernetes.io/instance} label. Pods are not owned directly (StatefulSets and Jobs own them),
 * so owner references cannot do this mapping.
 */
public final class OwnedPodsEventSource {

    private OwnedPodsEventSource() {}

    public static <P extends HasMetadata> InformerEventSource<Pod, P> create(
            String name, String appName, Class<P> primary, EventSourceContext<P> context) {
        var config =
                InformerEventSourceConfiguration.from(Pod.class, primary)
                        .withName(name)
                        .withLabelSelector(
                                LABEL_NAME
                                        + "="
                                        + appName
                                        + ","
                                        + LABEL_MANAGED_BY
                                        + "="
                                        + OPERATOR_NAME)
                        .withSecondaryToPrimaryMapper(
                                pod ->
                                        Set.of(
                                                new ResourceID(
                                                        pod.getMetadata()
                                                                .getLabels()
                                                                .get(LABEL_INSTANCE),
                                                        pod.getMetadata().getNamespace())))
                        .build();
        return new InformerEventSource<>(config, context);
    }
}
