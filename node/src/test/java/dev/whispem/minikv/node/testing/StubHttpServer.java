package dev.whispem.minikv.node.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fake HTTP peer for unit tests: a JDK {@link HttpServer} on {@code 127.0.0.1} and a free port
 * that records the method, path and {@code Authorization} header of every request, drains its body
 * and answers what a {@link Responder} says.
 */
public final class StubHttpServer implements AutoCloseable {

    /**
     * Computes the answer to one request; {@code authorization} is null when the header is absent.
     */
    @FunctionalInterface
    public interface Responder {
        Reply respond(String method, String path, String authorization, byte[] body)
                throws IOException;
    }

    /** An answer: status, body, and a {@code Content-Type} when {@code contentType} is not null. */
    public record Reply(int status, byte[] body, String contentType) {

        public static Reply of(int status, byte[] body) {
            return new Reply(status, body, null);
        }

        public static Reply of(int status, String body) {
            return of(status, body.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** One request as received; {@code authorization} is null when the header is absent. */
    public record Request(String method, String path, String authorization) {

        /** {@code METHOD path authorization}, with {@code <none>} for a missing header. */
        @Override
        public String toString() {
            return method + " " + path + " " + (authorization == null ? "<none>" : authorization);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final List<String> idempotencyKeys = new CopyOnWriteArrayList<>();

    private StubHttpServer(HttpServer server) {
        this.server = server;
    }

    /** Starts a server that answers every path with {@code responder}. */
    public static StubHttpServer start(Responder responder) throws IOException {
        StubHttpServer stub =
                new StubHttpServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        stub.server.createContext("/", exchange -> stub.handle(exchange, responder));
        stub.server.start();
        return stub;
    }

    private void handle(HttpExchange exchange, Responder responder) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] body = exchange.getRequestBody().readAllBytes();
            queries.add(String.valueOf(exchange.getRequestURI().getRawQuery()));
            idempotencyKeys.add(
                    String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            requests.add(new Request(method, path, authorization));
            Reply reply = responder.respond(method, path, authorization, body);
            if (reply.contentType() != null) {
                exchange.getResponseHeaders().set("Content-Type", reply.contentType());
            }
            byte[] out = reply.body() == null ? new byte[0] : reply.body();
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
            }
        }
    }

    /** The requests received so far, in arrival order (a snapshot). */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** The raw query strings of the requests so far ("null" without one), in arrival order. */
    public List<String> queries() {
        return List.copyOf(queries);
    }

    /** The requests' Idempotency-Key headers so far ("null" without one), in arrival order. */
    public List<String> idempotencyKeys() {
        return List.copyOf(idempotencyKeys);
    }

    /** The requests received so far as {@link Request#toString()} lines, in arrival order. */
    public List<String> lines() {
        return requests.stream().map(Request::toString).toList();
    }

    /** Forgets the requests received so far. */
    public void clearRequests() {
        requests.clear();
        queries.clear();
        idempotencyKeys.clear();
    }

    /** {@code 127.0.0.1:port}. */
    public String hostPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:port}. */
    public URI uri() {
        return URI.create("http://" + hostPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
