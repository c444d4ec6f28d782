package dev.whispem.runtime.kv;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One program of the shared kv_* suite, runnable on any VM: the server it talks to, its
 * environment, and the exact stdout, stderr and status expected. In expected texts and env values
 * {@code {URL}} stands for the server's base URL (no trailing slash). FILE is always {@code
 * kv.whbc}.
 */
record KvCase(
        String name,
        String source,
        Server server,
        Consumer<FakeMiniKv> setup,
        String canned,
        String url,
        Map<String, String> env,
        String stdout,
        String stderr,
        int status,
        Consumer<Object> check) {

    static final String FILE = "kv.whbc";

    /** What is listening at {URL}. */
    enum Server {
        /** {@link FakeMiniKv}. */
        FAKE,
        /** {@link FakeMiniKv} mounted under /base. */
        FAKE_BASE,
        /** {@link CannedServer} answering {@link #canned}. */
        CANNED,
        /** Nothing: a port that was just closed (connection refused). */
        CLOSED_PORT,
        /** A listening socket that never accepts nor answers (connections hang). */
        SILENT,
        /** {@link DripServer}: a response that never ends, one byte every 50 ms. */
        DRIP
    }

    static KvCase of(String name, String source) {
        return new KvCase(
                name, source, Server.FAKE, kv -> {}, null, "{URL}", Map.of(), "", "", 0, x -> {});
    }

    KvCase server(Server s) {
        return new KvCase(name, source, s, setup, canned, url, env, stdout, stderr, status, check);
    }

    KvCase setup(Consumer<FakeMiniKv> s) {
        return new KvCase(name, source, server, s, canned, url, env, stdout, stderr, status, check);
    }

    KvCase canned(String response) {
        return new KvCase(
                name,
                source,
                Server.CANNED,
                setup,
                response,
                url,
                env,
                stdout,
                stderr,
                status,
                check);
    }

    /** MINIKV_URL; null leaves it unset. */
    KvCase url(String u) {
        return new KvCase(
                name, source, server, setup, canned, u, env, stdout, stderr, status, check);
    }

    KvCase env(String key, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(key, value);
        return new KvCase(
                name,
                source,
                server,
                setup,
                canned,
                url,
                Map.copyOf(more),
                stdout,
                stderr,
                status,
                check);
    }

    KvCase out(String expected) {
        return new KvCase(
                name, source, server, setup, canned, url, env, expected, stderr, status, check);
    }

    /** A runtime error at LINE with MESSAGE (status 1). */
    KvCase error(int line, String message) {
        return new KvCase(
                name,
                source,
                server,
                setup,
                canned,
                url,
                env,
                stdout,
                FILE + ": [line " + line + ", col 0] Error: " + message + "\n",
                1,
                check);
    }

    /** Extra assertions on the server afterwards ({@link FakeMiniKv} or {@link CannedServer}). */
    KvCase check(Consumer<Object> c) {
        return new KvCase(name, source, server, setup, canned, url, env, stdout, stderr, status, c);
    }

    @Override
    public String toString() {
        return name;
    }
}
