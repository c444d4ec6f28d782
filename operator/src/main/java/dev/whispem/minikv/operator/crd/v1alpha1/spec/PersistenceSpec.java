package dev.whispem.minikv.operator.crd.v1alpha1.spec;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.ValidationRule;

/** A PersistentVolumeClaim per pod. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
        value =
                "has(self.storageClassName) == has(oldSelf.storageClassName)"
                        + " && (!has(self.storageClassName) || self.storageClassName == oldSelf.storageClassName)",
        message = PersistenceSpec.IMMUTABLE_CLASS,
        reason = "FieldValueForbidden")
@ValidationRule(
        value =
                "has(self.size) == has(oldSelf.size) && (!has(self.size) || self.size == oldSelf.size)",
        message = PersistenceSpec.IMMUTABLE_SIZE,
        reason = "FieldValueForbidden")
public class PersistenceSpec {
    public static final String IMMUTABLE_CLASS = "storageClassName is immutable";
    public static final String IMMUTABLE_SIZE =
            "size is immutable: a StatefulSet's volume claim templates cannot change";

    @JsonPropertyDescription("Requested size of each claim, e.g. 10Gi. Immutable.")
    @Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$")
    public String size;

    @JsonPropertyDescription(
            "StorageClass of the claims; the cluster default when unset. Immutable once set.")
    public String storageClassName;

    public static PersistenceSpec ofSize(String size) {
        PersistenceSpec spec = new PersistenceSpec();
        spec.size = size;
        return spec;
    }
}
