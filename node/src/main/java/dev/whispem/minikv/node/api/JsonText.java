package dev.whispem.minikv.node.api;

/**
 * JSON text for the few fixed-shape bodies of the hot path, written without a data-binding library:
 * the PUT answer is built for every write, and Jackson's per-call setup (serializer lookup, buffer
 * recycling) cost more than the rest of the response (docs/performance.md).
 */
final class JsonText {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonText() {}

    /** {@code {"key":…,"version":…,"revision":…}}, the body of a successful PUT. */
    static String putResult(String key, long version, long revision) {
        StringBuilder out = new StringBuilder(key.length() + 56);
        out.append("{\"key\":");
        quote(out, key);
        return out.append(",\"version\":")
                .append(version)
                .append(",\"revision\":")
                .append(revision)
                .append('}')
                .toString();
    }

    /**
     * Appends {@code s} as a JSON string (RFC 8259 section 7): quote, backslash and control
     * characters escaped, everything else as is (the body is UTF-8).
     */
    static void quote(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 15]);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
