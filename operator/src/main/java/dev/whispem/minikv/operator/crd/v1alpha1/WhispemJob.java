package dev.whispem.minikv.operator.crd.v1alpha1;

import dev.whispem.minikv.operator.Constants;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A Whispem program run to completion: compiled by the operator, executed by the C VM in a pod,
 * optionally next to a MiniKVCluster.
 */
@Group(Constants.GROUP)
@Version(Constants.VERSION)
@ShortNames("wj")
@Categories(Constants.CATEGORY)
@AdditionalPrinterColumn(
        name = "Phase",
        jsonPath = ".status.phase",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Attempts",
        jsonPath = ".status.attempts",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Exit",
        jsonPath = ".status.exitCode",
        type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(
        name = "Cluster",
        jsonPath = ".spec.kvClusterRef.name",
        type = AdditionalPrinterColumn.Type.STRING,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Started",
        jsonPath = ".status.startTime",
        type = AdditionalPrinterColumn.Type.DATE,
        priority = 1)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class WhispemJob extends CustomResource<WhispemJobSpec, WhispemJobStatus>
        implements Namespaced {}
