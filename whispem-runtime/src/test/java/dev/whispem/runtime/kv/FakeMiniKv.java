package dev.whispem.runtime.kv;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-test MiniKV node on 127.0.0.1 (docs/api/kv.md): PUT/GET/DELETE {@code /v1/kv/{key}} and
 * {@code GET /v1/kv} with prefix and cursor pages, optional bearer-token check, a base path, and
 * fault modes. Small pages (default 2 keys) make clients follow cursors.
 */
final class FakeMiniKv implements AutoCloseable {
    /** One request as the server saw it. */
    record Seen(String method, String rawUri, String authorization) {}

    enum Fault {
        NONE,
        /** Every request answers 500 INTERNAL. */
        ERROR_500,
        /** List pages are not valid JSON. */
        BAD_LIST_JSON,
        /** List pages repeat the cursor they were given (a looping server). */
        REPEATED_CURSOR,
        /** GET returns bytes that are not UTF-8. */
        NOT_UTF8
    }

    /** Unsigned byte order of the UTF-8 form, as MiniKV orders keys. */
    static final Comparator<String> KEY_ORDER =
            (a, b) ->
                    Arrays.compareUnsigned(
                            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final HttpServer server;
    private final String basePath;
    private final Map<String, String> data = Collections.synchronizedMap(new TreeMap<>(KEY_ORDER));
    private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    private volatile String token;
    private volatile Fault fault = Fault.NONE;
    private volatile int pageSize = 2;

    FakeMiniKv(String basePath) throws IOException {
        this.basePath = basePath;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext(basePath.isEmpty() ? "/" : basePath, this::handle);
        server.start();
    }

    FakeMiniKv() throws IOException {
        this("");
    }

    /** The URL a program gets as MINIKV_URL (without a trailing slash). */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + basePath;
    }

    FakeMiniKv requireToken(String required) {
        this.token = required;
        return this;
    }

    FakeMiniKv fault(Fault f) {
        this.fault = f;
        return this;
    }

    FakeMiniKv pageSize(int size) {
        this.pageSize = size;
        return this;
    }

    FakeMiniKv put(String key, String value) {
        data.put(key, value);
        return this;
    }

    Map<String, String> data() {
        synchronized (data) {
            return new TreeMap<>(data);
        }
    }

    List<Seen> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String rawUri = ex.getRequestURI().getRawPath();
            String rawQuery = ex.getRequestURI().getRawQuery();
            seen.add(
                    new Seen(
                            ex.getRequestMethod(),
                            rawQuery == null ? rawUri : rawUri + "?" + rawQuery,
                            ex.getRequestHeaders().getFirst("Authorization")));
            byte[] body = ex.getRequestBody().readAllBytes();
            if (token != null
                    && !("Bearer " + token)
                            .equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                error(ex, 401, "UNAUTHORIZED");
                return;
            }
            if (fault == Fault.ERROR_500) {
                error(ex, 500, "INTERNAL");
                return;
            }
            String path = rawUri.substring(basePath.length());
            if (path.equals("/v1/kv") && ex.getRequestMethod().equals("GET")) {
                list(ex, query(rawQuery));
                return;
            }
            if (!path.startsWith("/v1/kv/") || path.length() == "/v1/kv/".length()) {
                error(ex, 404, "NOT_FOUND");
                return;
            }
            String key = decode(path.substring("/v1/kv/".length()));
            switch (ex.getRequestMethod()) {
                case "PUT" -> {
                    data.put(key, new String(body, StandardCharsets.UTF_8));
                    json(ex, 200, "{\"key\":" + quote(key) + ",\"version\":1,\"revision\":1}");
                }
                case "GET" -> {
                    String value = data.get(key);
                    if (value == null) {
                        error(ex, 404, "NOT_FOUND");
                    } else if (fault == Fault.NOT_UTF8) {
                        send(ex, 200, new byte[] {(byte) 0xC3, (byte) 0x28}, false);
                    } else {
                        send(ex, 200, value.getBytes(StandardCharsets.UTF_8), false);
                    }
                }
                case "DELETE" -> {
                    data.remove(key);
                    ex.sendResponseHeaders(204, -1);
                }
                default -> error(ex, 405, "METHOD_NOT_ALLOWED");
            }
        }
    }

    private void list(HttpExchange ex, Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        String cursor = query.get("cursor");
        String after =
                cursor == null
                        ? null
                        : new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        if (fault == Fault.BAD_LIST_JSON) {
            json(ex, 200, "{\"items\": [{\"key\": \"a\",}]}");
            return;
        }
        List<String> page = new ArrayList<>();
        boolean more = false;
        for (String key : data().keySet()) {
            if (!key.startsWith(prefix) || (after != null && KEY_ORDER.compare(key, after) <= 0)) {
                continue;
            }
            if (page.size() == pageSize) {
                more = true;
                break;
            }
            page.add(key);
        }
        StringBuilder out = new StringBuilder("{\"items\": [");
        for (int i = 0; i < page.size(); i++) {
            out.append(i == 0 ? "" : ", ")
                    .append("{\"key\": ")
                    .append(quote(page.get(i)))
                    .append(", \"version\": 7, \"expiresAt\": null}");
        }
        out.append("]");
        if (fault == Fault.REPEATED_CURSOR) {
            out.append(", \"nextCursor\": \"")
                    .append(cursor == null ? "Zmlyc3Q" : cursor)
                    .append('"');
        } else if (more) {
            String last = page.getLast();
            out.append(", \"nextCursor\": \"")
                    .append(
                            Base64.getUrlEncoder()
                                    .withoutPadding()
                                    .encodeToString(last.getBytes(StandardCharsets.UTF_8)))
                    .append('"');
        }
        out.append("}");
        // chunked framing for lists, Content-Length for values: clients must handle both
        send(ex, 200, out.toString().getBytes(StandardCharsets.UTF_8), true);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new TreeMap<>();
        if (raw == null) {
            return out;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            out.put(decode(part.substring(0, eq)), decode(part.substring(eq + 1)));
        }
        return out;
    }

    /** Strict percent-decoding of UTF-8 (no '+' as space). */
    static String decode(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** A JSON string in Jackson's style: escapes for quote, backslash and controls only. */
    static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static void error(HttpExchange ex, int status, String code) throws IOException {
        json(ex, status, "{\"error\":\"" + code + "\",\"message\":\"fake\"}");
    }

    private static void json(HttpExchange ex, int status, String body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json");
        send(ex, status, body.getBytes(StandardCharsets.UTF_8), false);
    }

    private static void send(HttpExchange ex, int status, byte[] body, boolean chunked)
            throws IOException {
        ex.sendResponseHeaders(status, chunked ? 0 : (body.length == 0 ? -1 : body.length));
        if (body.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
