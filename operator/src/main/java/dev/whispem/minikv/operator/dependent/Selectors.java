package dev.whispem.minikv.operator.dependent;

import dev.whispem.minikv.operator.Constants;

/** Label selectors of the operator's informers: they cache only objects the operator made. */
final class Selectors {
    private Selectors() {}

    static final String MANAGED = Constants.LABEL_MANAGED_BY + "=" + Constants.OPERATOR_NAME;
}
