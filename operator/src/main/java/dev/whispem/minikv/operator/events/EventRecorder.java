package dev.whispem.minikv.operator.events;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Records core/v1 Events on the objects the operator manages; failures are logged, never thrown.
 */
@ApplicationScoped
public class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    static final String COMPONENT = "minikv-operator";

    @Inject KubernetesClient client;

    public void normal(HasMetadata object, String reason, String message) {
        record(object, "Normal", reason, message);
    }

    public void warning(HasMetadata object, String reason, String message) {
        record(object, "Warning", reason, message);
    }

    private void record(HasMetadata object, String type, String reason, String message) {
        String now = Instant.now().toString();
        String namespace = object.getMetadata().getNamespace();
        var event =
                new EventBuilder()
                        .withNewMetadata()
                        .withName(
                                object.getMetadata().getName()
                                        + "."
                                        + UUID.randomUUID().toString().substring(0, 13))
                        .withNamespace(namespace)
                        .endMetadata()
                        .withInvolvedObject(
                                new ObjectReferenceBuilder()
                                        .withApiVersion(object.getApiVersion())
                                        .withKind(object.getKind())
                                        .withName(object.getMetadata().getName())
                                        .withNamespace(namespace)
                                        .withUid(object.getMetadata().getUid())
                                        .withResourceVersion(
                                                object.getMetadata().getResourceVersion())
                                        .build())
                        .withType(type)
                        .withReason(reason)
                        .withMessage(message)
                        .withFirstTimestamp(now)
                        .withLastTimestamp(now)
                        .withCount(1)
                        .withNewSource()
                        .withComponent(COMPONENT)
                        .endSource()
                        .withReportingComponent(COMPONENT)
                        .build();
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.debugf(
                    e, "could not record event %s on %s", reason, object.getMetadata().getName());
        }
    }
}
