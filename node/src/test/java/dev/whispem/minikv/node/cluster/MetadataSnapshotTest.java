package dev.whispem.minikv.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetadataSnapshotTest {

    private static ClusterMap map() {
        ClusterMap map = new MetadataCommand.Initialize(2, 3).applyTo(ClusterMap.empty());
        map =
                new MetadataCommand.PutCoordinator(
                                new ClusterMap.Coordinator("c1", "c1:8080", "c1:9872", true))
                        .applyTo(map);
        for (String v : List.of("v1", "v2", "v3", "v4")) {
            map = new MetadataCommand.RegisterVolume(v, v + ":8080", v + ":9872").applyTo(map);
        }
        map = new MetadataCommand.Assign(0, List.of("v1", "v2", "v3")).applyTo(map);
        map = new MetadataCommand.StartMove(0, List.of("v1", "v2", "v4")).applyTo(map);
        return new MetadataCommand.DrainVolume("v3").applyTo(map);
    }

    @Test
    void aSnapshotReadsBackAsTheSameMapAndPosition() throws IOException {
        MetadataSnapshot s = new MetadataSnapshot(3, 41, map());
        MetadataSnapshot back = MetadataSnapshot.decode(s.encode());
        assertThat(back).isEqualTo(s);
        assertThat(back.map().groups().get(0).moving()).isTrue();
        assertThat(back.map().volumes().get("v3").draining()).isTrue();
    }

    @Test
    void everyTruncationIsRejected() {
        byte[] whole = new MetadataSnapshot(3, 41, map()).encode();
        for (int n = 0; n < whole.length; n++) {
            byte[] cut = Arrays.copyOf(whole, n);
            assertThatThrownBy(() -> MetadataSnapshot.decode(cut))
                    .as("cut at %d", n)
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void documentsThatAreNotSnapshotsAreRejectedWithAReason() {
        assertRejected("[]", "not a metadata snapshot");
        assertRejected("{\"format\":\"minikv-metadata-snapshot/9\"}", "not a metadata snapshot");
        assertRejected(
                "{\"format\":\"minikv-metadata-snapshot/1\",\"term\":\"1\",\"index\":2,\"map\":{}}",
                "numeric term and index");
        assertRejected(
                "{\"format\":\"minikv-metadata-snapshot/1\",\"term\":1,\"index\":-2,\"map\":{}}",
                "negative");
        assertRejected(
                "{\"format\":\"minikv-metadata-snapshot/1\",\"term\":1,\"index\":2}",
                "without a map");
        assertRejected(
                "{\"format\":\"minikv-metadata-snapshot/1\",\"term\":1,\"index\":2,"
                        + "\"map\":{\"groups\":7}}",
                "unreadable map");
    }

    private static void assertRejected(String doc, String reason) {
        assertThatThrownBy(() -> MetadataSnapshot.decode(doc.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(reason);
    }
}
