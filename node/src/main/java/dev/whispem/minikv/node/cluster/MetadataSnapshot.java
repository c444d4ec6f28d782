package dev.whispem.minikv.node.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metadata group's state after applying the log up to {@code index} (of {@code term}): the
 * whole {@link ClusterMap}, which is small. Written as a snapshot file, so the group's log can be
 * purged, and served to a coordinator that is behind the purged log.
 */
record MetadataSnapshot(long term, long index, ClusterMap map) {

    static final String FORMAT = "minikv-metadata-snapshot/1";

    byte[] encode() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        doc.put("term", term);
        doc.put("index", index);
        doc.put("map", map);
        try {
            return MetadataStateMachine.JSON.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads a snapshot written by {@link #encode}.
     *
     * @throws IOException naming what is wrong when the bytes are not a whole snapshot of this
     *     format
     */
    static MetadataSnapshot decode(byte[] bytes) throws IOException {
        JsonNode doc;
        try {
            doc = MetadataStateMachine.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IOException("metadata snapshot is not JSON: " + e.getMessage(), e);
        }
        if (doc == null || !FORMAT.equals(doc.path("format").asText(null))) {
            throw new IOException("not a metadata snapshot of format " + FORMAT);
        }
        JsonNode term = doc.path("term");
        JsonNode index = doc.path("index");
        if (!term.isIntegralNumber() || !index.isIntegralNumber()) {
            throw new IOException("metadata snapshot without a numeric term and index");
        }
        if (term.asLong() < 0 || index.asLong() < 0) {
            throw new IOException("metadata snapshot with a negative term or index");
        }
        if (!doc.path("map").isObject()) {
            throw new IOException("metadata snapshot without a map");
        }
        ClusterMap map;
        try {
            map = MetadataStateMachine.JSON.treeToValue(doc.get("map"), ClusterMap.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("metadata snapshot with an unreadable map: " + e.getMessage(), e);
        }
        return new MetadataSnapshot(term.asLong(), index.asLong(), map);
    }
}
