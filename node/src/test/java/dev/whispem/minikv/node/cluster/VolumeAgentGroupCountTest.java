package dev.whispem.minikv.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A volume server hosts nothing while its group count disagrees with the cluster's map. */
class VolumeAgentGroupCountTest {

    private final ClusterMap eightGroups =
            new MetadataCommand.Initialize(8, 3).applyTo(ClusterMap.empty());

    @Test
    void theSameCountIsNoMismatch() {
        assertThat(VolumeAgent.groupCountMismatch(eightGroups, 8)).isNull();
    }

    @Test
    void anotherCountIsReportedWithBothNumbersAndTheSetting() {
        assertThat(VolumeAgent.groupCountMismatch(eightGroups, 4))
                .contains("8 groups")
                .contains("minikv.replication.groups=4")
                .contains("hosts nothing");
    }
}
