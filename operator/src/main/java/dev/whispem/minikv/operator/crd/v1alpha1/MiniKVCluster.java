package dev.whispem.minikv.operator.crd.v1alpha1;

import dev.whispem.minikv.operator.Constants;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** A replicated MiniKV store: coordinators (metadata quorum) and volume servers (data). */
@Group(Constants.GROUP)
@Version(Constants.VERSION)
@ShortNames("mkv")
@Categories(Constants.CATEGORY)
@AdditionalPrinterColumn(
        name = "Ready",
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Coordinators",
        jsonPath = ".status.coordinators",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Volumes",
        jsonPath = ".status.volumes",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Leader",
        jsonPath = ".status.leader",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Version",
        jsonPath = ".spec.version",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Endpoint",
        jsonPath = ".status.clientEndpoint",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class MiniKVCluster extends CustomResource<MiniKVClusterSpec, MiniKVClusterStatus>
        implements Namespaced {

    /** True while the pause annotation is set: the operator then changes nothing. */
    public boolean paused() {
        return getMetadata().getAnnotations() != null
                && "true"
                        .equalsIgnoreCase(
                                getMetadata().getAnnotations().get(Constants.ANNOTATION_PAUSED));
    }
}
