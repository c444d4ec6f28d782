package dev.whispem.minikv.operator.job;

import dev.whispem.minikv.operator.Constants;
import dev.whispem.minikv.operator.crd.v1alpha1.WhispemJob;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Names and labels of what a WhispemJob {@code j} owns: ConfigMap {@code j-program}, Job {@code j}.
 */
public final class JobNames {
    private JobNames() {}

    public static String configMap(WhispemJob job) {
        return job.getMetadata().getName() + "-program";
    }

    public static String job(WhispemJob job) {
        return job.getMetadata().getName();
    }

    /** Labels of the ConfigMap, the Job and (through its template) the pods. */
    public static Map<String, String> labels(WhispemJob job) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Constants.LABEL_NAME, Constants.APP_WHISPEM_JOB);
        labels.put(Constants.LABEL_INSTANCE, job.getMetadata().getName());
        labels.put(Constants.LABEL_COMPONENT, Constants.COMPONENT_PROGRAM);
        labels.put(Constants.LABEL_PART_OF, Constants.APP_MINIKV);
        labels.put(Constants.LABEL_MANAGED_BY, Constants.OPERATOR_NAME);
        return labels;
    }
}
