package dev.whispem.minikv.operator.admin;

import dev.whispem.minikv.operator.crd.v1alpha1.MiniKVCluster;

/** Gives the admin client of one cluster; a CDI bean, replaced by a double in tests. */
public interface NodeAdminClientFactory {
    NodeAdminClient forCluster(MiniKVCluster cluster);
}
