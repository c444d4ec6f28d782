package dev.whispem.minikv.node.tools;

import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code minikv}: the command line for people. Talks to any node over the HTTP API; with {@code
 * --token} (or {@code MINIKV_TOKEN}) every request carries {@code Authorization: Bearer}.
 */
@Command(
        name = "minikv",
        mixinStandardHelpOptions = true,
        description = "MiniKV command line.",
        subcommands = {
            MinikvCli.Put.class,
            MinikvCli.Get.class,
            MinikvCli.Delete.class,
            MinikvCli.ListKeys.class,
            MinikvCli.Status.class,
            MinikvCli.Cluster.class,
            MinikvCli.Drain.class,
            MinikvCli.RemoveVolume.class,
            MinikvCli.TransferLeadership.class
        })
public final class MinikvCli {

    @Option(
            names = "--url",
            defaultValue = "${env:MINIKV_URL:-http://127.0.0.1:8080}",
            description = "Node URL (env MINIKV_URL; default ${DEFAULT-VALUE})")
    String url;

    @Option(names = "--tenant", description = "Tenant (X-MiniKV-Tenant)")
    String tenant;

    @Option(
            names = "--token",
            defaultValue = "${env:MINIKV_TOKEN}",
            description =
                    "Bearer token sent on every request when the node has auth on: the admin"
                            + " token, the job token or a tenant JWT (env MINIKV_TOKEN)")
    String token;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** Where values and answers go; a test may redirect them. */
    PrintStream out = System.out;

    PrintStream err = System.err;

    public static void main(String[] args) {
        System.exit(new CommandLine(new MinikvCli()).execute(args));
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(30));
        if (tenant != null) {
            b.header("X-MiniKV-Tenant", tenant);
        }
        if (token != null && !token.isBlank()) {
            b.header("Authorization", "Bearer " + token.trim());
        }
        return b;
    }

    int run(HttpRequest req, boolean rawBody) throws Exception {
        return answer(http.send(req, HttpResponse.BodyHandlers.ofByteArray()), rawBody);
    }

    /**
     * Sends a write with an {@code Idempotency-Key} ({@code given}, or a new one) and sends it
     * again with the same key, up to {@code retries} times, when the answer is 503 or none came:
     * the node applies it at most once (docs/api/kv.md). A node with idempotency keys turned off
     * (501) gets the write once without the header, unless the user named a key.
     */
    int write(HttpRequest.Builder request, String given, int retries) throws Exception {
        String key = given != null ? given : java.util.UUID.randomUUID().toString();
        long pauseMillis = 250;
        for (int attempt = 0; ; attempt++) {
            HttpResponse<byte[]> r;
            try {
                r =
                        http.send(
                                request.copy().header("Idempotency-Key", key).build(),
                                HttpResponse.BodyHandlers.ofByteArray());
            } catch (java.io.IOException e) {
                if (attempt >= retries) {
                    throw e;
                }
                err.println("no answer (" + e + "); sending again with the same Idempotency-Key");
                Thread.sleep(pauseMillis);
                pauseMillis *= 2;
                continue;
            }
            if (r.statusCode() == 501 && given == null) {
                return run(request.build(), false);
            }
            if (r.statusCode() == 503 && attempt < retries) {
                err.println("503 (outcome unknown); sending again with the same Idempotency-Key");
                Thread.sleep(pauseMillis);
                pauseMillis *= 2;
                continue;
            }
            return answer(r, false);
        }
    }

    private int answer(HttpResponse<byte[]> r, boolean rawBody) throws java.io.IOException {
        if (r.statusCode() >= 400) {
            return failed(r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
        }
        if (rawBody) {
            out.write(r.body());
            out.flush();
        } else if (r.body().length > 0) {
            out.println(new String(r.body(), StandardCharsets.UTF_8));
        }
        return 0;
    }

    /** Prints an error answer, with a hint on 401 and 403; the exit status: 2 for 404, else 1. */
    int failed(int status, String body) {
        err.println(status + " " + body);
        boolean withToken = token != null && !token.isBlank();
        if (status == 401) {
            err.println(
                    withToken
                            ? "authentication failed: the node refused the token (--token or"
                                    + " MINIKV_TOKEN): unknown, expired or badly signed"
                            : "authentication required: pass --token or set MINIKV_TOKEN");
        } else if (status == 403) {
            err.println(
                    "forbidden: the token does not allow this (admin commands need the admin"
                            + " token; a tenant JWT allows only its own tenant's keys)");
        }
        return status == 404 ? 2 : 1;
    }

    static String path(String key) {
        return "/v1/kv/"
                + URLEncoder.encode(key, StandardCharsets.UTF_8)
                        .replace("%2F", "/")
                        .replace("+", "%20");
    }

    @Command(name = "put", description = "Store a value (argument, or stdin when absent).")
    static final class Put implements Callable<Integer> {
        @ParentCommand MinikvCli cli;

        @Parameters(index = "0")
        String key;

        @Parameters(index = "1", arity = "0..1")
        String value;

        @Option(names = "--ttl", description = "Seconds until the key expires")
        Long ttl;

        @Option(names = "--if-version", description = "Only if the key is at this version")
        Long ifVersion;

        @Option(names = "--create", description = "Only if the key does not exist")
        boolean create;

        @Mixin Retries retries;

        @Override
        public Integer call() throws Exception {
            byte[] body =
                    value != null
                            ? value.getBytes(StandardCharsets.UTF_8)
                            : System.in.readAllBytes();
            HttpRequest.Builder b =
                    cli.request(path(key) + (ttl != null ? "?ttl=" + ttl : ""))
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
            if (ifVersion != null) {
                b.header("If-Match", "\"" + ifVersion + "\"");
            }
            if (create) {
                b.header("If-None-Match", "*");
            }
            return cli.write(b, retries.idempotencyKey, retries.retries);
        }
    }

    /** How a write is sent again after a 503 or no answer. */
    static final class Retries {
        @Option(
                names = "--idempotency-key",
                description =
                        "Idempotency-Key of the write (default: a new UUID); the write applies at"
                                + " most once per key")
        String idempotencyKey;

        @Option(
                names = "--retries",
                description =
                        "Times to send the write again, with the same key, after a 503 or no"
                                + " answer (default ${DEFAULT-VALUE})")
        int retries = 3;
    }

    @Command(name = "get", description = "Print a value.")
    static final class Get implements Callable<Integer> {
        @ParentCommand MinikvCli cli;

        @Parameters(index = "0")
        String key;

        @Option(names = "--stale", description = "Allow a stale read from any replica")
        boolean stale;

        @Override
        public Integer call() throws Exception {
            return cli.run(
                    cli.request(path(key) + (stale ? "?consistency=stale" : "")).GET().build(),
                    true);
        }
    }

    @Command(name = "delete", description = "Delete a key.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand MinikvCli cli;

        @Parameters(index = "0")
        String key;

        @Mixin Retries retries;

        @Override
        public Integer call() throws Exception {
            return cli.write(
                    cli.request(path(key)).DELETE(), retries.idempotencyKey, retries.retries);
        }
    }

    @Command(name = "list", description = "List keys (JSON page).")
    static final class ListKeys implements Callable<Integer> {
        @ParentCommand MinikvCli cli;

        @Option(names = "--prefix")
        String prefix;

        @Option(names = "--limit")
        Integer limit;

        @Option(names = "--cursor")
        String cursor;

        @Option(names = "--values")
        boolean values;

        @Override
        public Integer call() throws Exception {
            StringBuilder q = new StringBuilder("/v1/kv?");
            if (prefix != null) {
                q.append("prefix=")
                        .append(URLEncoder.encode(prefix, StandardCharsets.UTF_8))
                        .append('&');
            }
            if (limit != null) {
                q.append("limit=").append(limit).append('&');
            }
            if (cursor != null) {
                q.append("cursor=").append(cursor).append('&');
            }
            if (values) {
                q.append("values=true");
            }
            return cli.run(cli.request(q.toString()).GET().build(), false);
        }
    }

    @Command(name = "status", description = "Cluster status as seen by the node.")
    static final class Status implements Callable<Integer> {
        @ParentCommand MinikvCli cli;

        @Override
        public Integer call() throws Exception {
            return cli.run(cli.request("/v1/admin/status").GET().build(), false);
        }
    }

    @Command(
            name = "cluster",
            description =
                    "The cluster as the coordinators see it: members, health, shards and led groups"
                            + " per volume server, moves in flight.")
    static final class Cluster implements Callable<Integer> {
        @ParentCommand MinikvCli cli;

        @Override
        public Integer call() throws Exception {
            return cli.run(cli.request("/v1/admin/cluster").GET().build(), false);
        }
    }

    @Command(
            name = "drain",
            description =
                    "Move every shard replica off a volume server; with --wait, until it holds"
                            + " none; with --cancel, stop a drain.")
    static final class Drain implements Callable<Integer> {
        @ParentCommand MinikvCli cli;

        @Parameters(index = "0", description = "Volume server (member id)")
        String member;

        @Option(names = "--wait", description = "Repeat until drained")
        boolean await;

        @Option(
                names = "--cancel",
                description = "Stop the drain: the server keeps the shards it still holds")
        boolean cancel;

        @Override
        public Integer call() throws Exception {
            String path = "/v1/admin/volumes/" + URLEncoder.encode(member, StandardCharsets.UTF_8);
            if (cancel) {
                if (await) {
                    cli.err.println("--cancel and --wait cannot be combined");
                    return 2;
                }
                return cli.run(cli.request(path + "/drain").DELETE().build(), false);
            }
            while (true) {
                HttpResponse<String> r =
                        cli.http.send(
                                cli.request(path + "/drain")
                                        .header("Content-Type", "application/json")
                                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() >= 400) {
                    cli.failed(r.statusCode(), r.body());
                    return 1;
                }
                cli.out.println(r.body());
                if (!await || r.body().contains("\"drained\":true")) {
                    return 0;
                }
                Thread.sleep(2000);
            }
        }
    }

    @Command(
            name = "remove-volume",
            description = "Forget a drained volume server (stop its process first).")
    static final class RemoveVolume implements Callable<Integer> {
        @ParentCommand MinikvCli cli;

        @Parameters(index = "0", description = "Volume server (member id)")
        String member;

        @Override
        public Integer call() throws Exception {
            return cli.run(
                    cli.request(
                                    "/v1/admin/volumes/"
                                            + URLEncoder.encode(member, StandardCharsets.UTF_8))
                            .DELETE()
                            .build(),
                    false);
        }
    }

    @Command(
            name = "transfer-leadership",
            description = "Hand a group's leadership to another member.")
    static final class TransferLeadership implements Callable<Integer> {
        @ParentCommand MinikvCli cli;

        @Parameters(index = "0", description = "Group number")
        int group;

        @Option(names = "--to", description = "Target node id (any when absent)")
        String to;

        @Override
        public Integer call() throws Exception {
            return cli.run(
                    cli.request(
                                    "/v1/admin/groups/"
                                            + group
                                            + "/transfer-leadership"
                                            + (to != null ? "?to=" + to : ""))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    false);
        }
    }
}
