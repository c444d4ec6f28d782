package dev.whispem.minikv.operator;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.inject.Singleton;

/**
 * Only one operator replica reconciles at a time: the others wait on this Lease, in the namespace
 * the operator runs in (inferred from its service account). Active in the prod profile ({@code
 * quarkus.operator-sdk.activate-leader-election-for-profiles}).
 */
@Singleton
public class LeaderElection extends LeaderElectionConfiguration {
    public LeaderElection() {
        super("minikv-operator-leader");
    }
}
