package dev.whispem.runtime.kv;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.kv.KvCase.Server;
import java.util.List;

/**
 * The shared kv_* programs (docs/whispem/kv-extension.md), run on the Java VM and, once it has the
 * extension, on the C VM by {@link KvConformanceTest}.
 */
final class KvCases {
    private KvCases() {}

    private static FakeMiniKv fake(Object server) {
        return (FakeMiniKv) server;
    }

    private static CannedServer canned(Object server) {
        return (CannedServer) server;
    }

    static List<KvCase> all() {
        return List.of(
                // ---- the four functions --------------------------------------------------------
                KvCase.of(
                                "put then get, missing key is none",
                                """
                                kv_put("greeting", "hello wörld ✓")
                                print kv_get("greeting")
                                print type_of(kv_get("missing"))
                                let r = kv_put("n", num_to_str(42))
                                print type_of(r)
                                print kv_get("n") + "!"
                                kv_put("empty", "")
                                print length(kv_get("empty"))
                                print type_of(kv_get("empty"))
                                """)
                        .out("hello wörld ✓\nnone\nnone\n42!\n0\nstring\n")
                        .check(
                                s ->
                                        assertThat(fake(s).data())
                                                .containsEntry("greeting", "hello wörld ✓")
                                                .containsEntry("n", "42")
                                                .containsEntry("empty", "")),
                KvCase.of(
                                "delete, also of a missing key",
                                """
                                kv_put("a", "1")
                                kv_delete("a")
                                print type_of(kv_get("a"))
                                print type_of(kv_delete("never-there"))
                                """)
                        .out("none\nnone\n")
                        .check(s -> assertThat(fake(s).data()).isEmpty()),
                KvCase.of(
                                "list follows cursors, filters by prefix, keeps key order",
                                """
                                print kv_list("user/")
                                print length(kv_list(""))
                                print kv_list("nothing")
                                print type_of(kv_list("nothing"))
                                """)
                        .setup(
                                kv ->
                                        kv.put("user/3", "c")
                                                .put("user/1", "a")
                                                .put("user/10", "x")
                                                .put("user/2", "b")
                                                .put("user/é", "e")
                                                .put("user/z", "z")
                                                .put("other", "o"))
                        .out("[user/1, user/10, user/2, user/3, user/z, user/é]\n7\n[]\narray\n")
                        .check(
                                s ->
                                        assertThat(fake(s).seen())
                                                .extracting(FakeMiniKv.Seen::rawUri)
                                                .contains(
                                                        "/v1/kv?prefix=user%2F&limit=1000",
                                                        "/v1/kv?limit=1000",
                                                        "/v1/kv?prefix=user%2F&limit=1000"
                                                                + "&cursor=dXNlci8xMA")),
                KvCase.of(
                                "keys are percent-encoded UTF-8",
                                """
                                let k = "dir/sub key?&%=+#é☃"
                                kv_put(k, "v")
                                print kv_get(k)
                                print kv_list("dir/")
                                """)
                        .out("v\n[dir/sub key?&%=+#é☃]\n")
                        .check(
                                s -> {
                                    assertThat(fake(s).data()).containsKey("dir/sub key?&%=+#é☃");
                                    assertThat(fake(s).seen().getFirst().rawUri())
                                            .isEqualTo(
                                                    "/v1/kv/dir%2Fsub%20key%3F%26%25%3D%2B%23"
                                                            + "%C3%A9%E2%98%83");
                                }),
                KvCase.of(
                                "token is sent as a bearer credential",
                                "kv_put(\"a\", \"b\")\nprint kv_get(\"a\")\n")
                        .setup(kv -> kv.requireToken("s3cr3t-T0ken"))
                        .env("MINIKV_TOKEN", "s3cr3t-T0ken")
                        .out("b\n")
                        .check(
                                s ->
                                        assertThat(fake(s).seen())
                                                .extracting(FakeMiniKv.Seen::authorization)
                                                .containsOnly("Bearer s3cr3t-T0ken")),
                KvCase.of("no token header without MINIKV_TOKEN", "print type_of(kv_get(\"a\"))\n")
                        .env("MINIKV_TOKEN", "")
                        .out("none\n")
                        .check(
                                s ->
                                        assertThat(fake(s).seen())
                                                .extracting(FakeMiniKv.Seen::authorization)
                                                .containsOnlyNulls()),
                KvCase.of(
                                "base path, trailing slashes removed",
                                "kv_put(\"k\", \"v\")\nprint kv_get(\"k\")\nprint kv_list(\"\")\n")
                        .server(Server.FAKE_BASE)
                        .url("{URL}//")
                        .out("v\n[k]\n")
                        .check(
                                s ->
                                        assertThat(fake(s).seen().getFirst().rawUri())
                                                .isEqualTo("/base/v1/kv/k")),
                KvCase.of(
                                "used inside functions, lambdas and callbacks",
                                """
                                fn save(k, v) {
                                  kv_put(k, v)
                                  return kv_get(k)
                                }
                                print save("f", "1")
                                let g = fn(k) { return kv_get(k) + "?" }
                                print g("f")
                                print map(["f"], fn(k) { return kv_get(k) })
                                """)
                        .out("1\n1?\n[1]\n"),

                // ---- Whispem 6 programs keep their meaning -----------------------------------
                KvCase.of(
                                "a named fn kv_get wins",
                                """
                                fn kv_get(k) {
                                  return "mine " + k
                                }
                                print kv_get("x")
                                """)
                        .out("mine x\n")
                        .check(s -> assertThat(fake(s).seen()).isEmpty()),
                KvCase.of(
                                "a global lambda kv_put wins",
                                """
                                let kv_put = fn(k, v) { print "put " + k + "=" + v }
                                kv_put("a", "b")
                                """)
                        .out("put a=b\n")
                        .check(s -> assertThat(fake(s).seen()).isEmpty()),
                KvCase.of(
                                "a local lambda kv_list wins; user arity errors stay the user's",
                                """
                                fn f() {
                                  let kv_list = fn(p) { return [p, p] }
                                  return kv_list("q")
                                }
                                print f()
                                fn kv_delete(a, b) {
                                  return 0
                                }
                                kv_delete("x")
                                """)
                        .error(9, "Function 'kv_delete' expected 2 arguments, got 1")
                        .out("[q, q]\n")
                        .check(s -> assertThat(fake(s).seen()).isEmpty()),
                KvCase.of(
                                "user definitions win even without MINIKV_URL",
                                "fn kv_get(k) {\n  return 1\n}\nprint kv_get(\"x\")\n")
                        .url(null)
                        .out("1\n"),
                KvCase.of("not values: a bare name is an undefined variable", "print kv_get\n")
                        .error(1, "Undefined variable: 'kv_get'"),
                KvCase.of(
                                "a variable holding a non-function does not hide it (SPEC §7.9)",
                                "let kv_get = 5\nprint kv_get(\"k\")\n")
                        .url(null)
                        .error(2, "kv_get: MINIKV_URL is not set"),

                // ---- argument checks ---------------------------------------------------------
                KvCase.of("arity kv_get", "print \"before\"\nprint kv_get()\n")
                        .out("before\n")
                        .error(2, "Function 'kv_get' expected 1 argument, got 0"),
                KvCase.of("arity kv_put", "kv_put(\"a\")\n")
                        .error(1, "Function 'kv_put' expected 2 arguments, got 1"),
                KvCase.of("arity kv_delete", "kv_delete(\"a\", \"b\")\n")
                        .error(1, "Function 'kv_delete' expected 1 argument, got 2"),
                KvCase.of("arity kv_list before configuration", "print kv_list()\n")
                        .url(null)
                        .error(1, "Function 'kv_list' expected 1 argument, got 0"),
                KvCase.of("number value is a type error", "\nkv_put(\"a\", 1)\n")
                        .error(2, "Type error: expected string, found number")
                        .check(s -> assertThat(fake(s).seen()).isEmpty()),
                KvCase.of("key types left to right", "fn nothing() {\n}\nkv_put(nothing(), 1)\n")
                        .error(3, "Type error: expected string, found none"),
                KvCase.of("kv_get of a number", "print kv_get(3)\n")
                        .error(1, "Type error: expected string, found number"),
                KvCase.of("kv_list of an array", "print kv_list([\"a\"])\n")
                        .error(1, "Type error: expected string, found array"),
                KvCase.of("empty key", "print kv_get(\"\")\n")
                        .error(1, "Type error: expected non-empty string, found empty string"),
                KvCase.of("types before configuration", "kv_delete(true)\n")
                        .url(null)
                        .error(1, "Type error: expected string, found bool"),

                // ---- configuration -----------------------------------------------------------
                KvCase.of("MINIKV_URL unset", "print 1\nprint kv_get(\"a\")\nprint 2\n")
                        .url(null)
                        .out("1\n")
                        .error(2, "kv_get: MINIKV_URL is not set"),
                KvCase.of("MINIKV_URL empty", "kv_put(\"a\", \"b\")\n")
                        .url("")
                        .error(1, "kv_put: MINIKV_URL is not set"),
                KvCase.of("https is not supported", "kv_list(\"\")\n")
                        .url("https://127.0.0.1:8443")
                        .error(
                                1,
                                "kv_list: MINIKV_URL must be http://host[:port][/path], got"
                                        + " 'https://127.0.0.1:8443'"),
                KvCase.of("URL with a query", "kv_delete(\"a\")\n")
                        .url("{URL}/?x=1")
                        .error(
                                1,
                                "kv_delete: MINIKV_URL must be http://host[:port][/path], got"
                                        + " '{URL}/?x=1'"),
                KvCase.of("bad port", "print kv_get(\"a\")\n")
                        .url("http://127.0.0.1:99999")
                        .error(
                                1,
                                "kv_get: MINIKV_URL must be http://host[:port][/path], got"
                                        + " 'http://127.0.0.1:99999'"),
                KvCase.of("bad token", "print kv_get(\"a\")\n")
                        .env("MINIKV_TOKEN", "two words")
                        .error(
                                1,
                                "kv_get: MINIKV_TOKEN must be visible ASCII characters without"
                                        + " spaces"),
                KvCase.of("bad timeout", "print kv_get(\"a\")\n")
                        .env("MINIKV_TIMEOUT_MS", "10s")
                        .error(
                                1,
                                "kv_get: MINIKV_TIMEOUT_MS must be a whole number from 1 to"
                                        + " 3600000, got '10s'"),
                KvCase.of("zero timeout", "print kv_get(\"a\")\n")
                        .env("MINIKV_TIMEOUT_MS", "0")
                        .error(
                                1,
                                "kv_get: MINIKV_TIMEOUT_MS must be a whole number from 1 to"
                                        + " 3600000, got '0'"),

                // ---- network and HTTP failures -------------------------------------------------
                KvCase.of("connection refused", "print \"start\"\n\nprint kv_get(\"a\")\n")
                        .server(Server.CLOSED_PORT)
                        .out("start\n")
                        .error(3, "kv_get: cannot reach {URL}: connection refused"),
                KvCase.of("unknown host", "kv_put(\"a\", \"b\")\n")
                        .url("http://no-such-host.invalid:8080/")
                        .error(
                                1,
                                "kv_put: cannot reach http://no-such-host.invalid:8080: unknown"
                                        + " host"),
                KvCase.of("timeout on a server that never answers", "kv_list(\"\")\n")
                        .server(Server.SILENT)
                        .env("MINIKV_TIMEOUT_MS", "300")
                        .error(1, "kv_list: timed out after 300 ms talking to {URL}"),
                KvCase.of("the deadline covers the whole request", "print kv_get(\"a\")\n")
                        .server(Server.DRIP)
                        .env("MINIKV_TIMEOUT_MS", "400")
                        .error(1, "kv_get: timed out after 400 ms talking to {URL}"),
                KvCase.of("HTTP 500 on put", "kv_put(\"a\", \"b\")\n")
                        .setup(kv -> kv.fault(FakeMiniKv.Fault.ERROR_500))
                        .error(1, "kv_put: HTTP 500 from {URL}"),
                KvCase.of("HTTP 500 on get", "print kv_get(\"a\")\n")
                        .setup(kv -> kv.fault(FakeMiniKv.Fault.ERROR_500))
                        .error(1, "kv_get: HTTP 500 from {URL}"),
                KvCase.of("HTTP 500 on delete", "kv_delete(\"a\")\n")
                        .setup(kv -> kv.fault(FakeMiniKv.Fault.ERROR_500))
                        .error(1, "kv_delete: HTTP 500 from {URL}"),
                KvCase.of("HTTP 500 on list", "print kv_list(\"a\")\n")
                        .setup(kv -> kv.fault(FakeMiniKv.Fault.ERROR_500))
                        .error(1, "kv_list: HTTP 500 from {URL}"),
                KvCase.of("HTTP 401 without the token", "print kv_get(\"a\")\n")
                        .setup(kv -> kv.requireToken("t"))
                        .error(1, "kv_get: HTTP 401 from {URL}"),
                KvCase.of("kv_list 404 is an error", "print kv_list(\"\")\n")
                        .canned("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                        .error(1, "kv_list: HTTP 404 from {URL}"),
                KvCase.of("redirects are not followed", "print kv_get(\"a\")\n")
                        .canned(
                                "HTTP/1.1 301 Moved\r\nLocation: http://x/\r\nContent-Length: 0\r\n\r\n")
                        .error(1, "kv_get: HTTP 301 from {URL}"),
                KvCase.of("malformed list JSON", "print kv_list(\"\")\n")
                        .setup(kv -> kv.fault(FakeMiniKv.Fault.BAD_LIST_JSON))
                        .error(1, "kv_list: invalid response from {URL}"),
                KvCase.of("a repeated cursor is invalid, not a loop", "print kv_list(\"\")\n")
                        .setup(kv -> kv.fault(FakeMiniKv.Fault.REPEATED_CURSOR))
                        .error(1, "kv_list: invalid response from {URL}"),
                KvCase.of("value that is not UTF-8", "print kv_get(\"a\")\n")
                        .setup(kv -> kv.put("a", "x").fault(FakeMiniKv.Fault.NOT_UTF8))
                        .error(1, "kv_get: invalid response from {URL}"),

                // ---- HTTP details (raw server) -------------------------------------------------
                KvCase.of("exact request bytes of a PUT", "kv_put(\"a/b é\", \"héllo\")\n")
                        .canned("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                        .env("MINIKV_TOKEN", "tok")
                        .check(
                                s -> {
                                    CannedServer c = canned(s);
                                    String host = c.url().substring("http://".length());
                                    assertThat(c.requests())
                                            .containsExactly(
                                                    "PUT /v1/kv/a%2Fb%20%C3%A9 HTTP/1.1\r\n"
                                                            + "Host: "
                                                            + host
                                                            + "\r\nUser-Agent: whispem-kv/1\r\n"
                                                            + "Authorization: Bearer tok\r\n"
                                                            + "Content-Type: application/octet-stream\r\n"
                                                            + "Content-Length: 6\r\n"
                                                            + "Connection: close\r\n\r\n"
                                                            + "h\u00c3\u00a9llo");
                                }),
                KvCase.of("exact request bytes of a GET, DELETE and list", "print kv_get(\"k\")\n")
                        .canned("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nv")
                        .out("v\n")
                        .check(
                                s -> {
                                    CannedServer c = canned(s);
                                    String host = c.url().substring("http://".length());
                                    assertThat(c.requests())
                                            .containsExactly(
                                                    "GET /v1/kv/k HTTP/1.1\r\nHost: "
                                                            + host
                                                            + "\r\nUser-Agent: whispem-kv/1\r\n"
                                                            + "Connection: close\r\n\r\n");
                                }),
                KvCase.of("DELETE request line", "kv_delete(\"k~._-\")\n")
                        .canned("HTTP/1.1 204 No Content\r\n\r\n")
                        .check(
                                s ->
                                        assertThat(canned(s).requests().getFirst())
                                                .startsWith("DELETE /v1/kv/k~._- HTTP/1.1\r\n")),
                KvCase.of("chunked body with extensions and trailers", "print kv_get(\"a\")\n")
                        .canned(
                                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                        + "3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n")
                        .out("abcde\n"),
                KvCase.of("body until close, bare LF lines", "print kv_get(\"a\")\n")
                        .canned("HTTP/1.0 200 OK\nX-A:  b \n\nraw body")
                        .out("raw body\n"),
                KvCase.of("response cut short", "print kv_get(\"a\")\n")
                        .canned("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
                        .error(1, "kv_get: connection to {URL} closed before a complete response"),
                KvCase.of("no response at all", "print kv_get(\"a\")\n")
                        .canned("")
                        .error(1, "kv_get: connection to {URL} closed before a complete response"),
                KvCase.of("not HTTP", "print kv_get(\"a\")\n")
                        .canned("SSH-2.0-OpenSSH\r\n\r\n")
                        .error(1, "kv_get: invalid response from {URL}"),
                KvCase.of("conflicting Content-Length", "print kv_get(\"a\")\n")
                        .canned(
                                "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab")
                        .error(1, "kv_get: invalid response from {URL}"),
                KvCase.of("unknown transfer coding", "print kv_get(\"a\")\n")
                        .canned("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nab")
                        .error(1, "kv_get: invalid response from {URL}"),
                KvCase.of("list JSON escapes and ignored members", "print kv_list(\"\")\n")
                        .canned(
                                json(
                                        "{\"items\":[{\"version\":1.5e3,\"key\":\"a\\\"b\\\\c\\u00e9"
                                                + "\\uD83D\\uDE00\\/\",\"x\":[true,false,null,{}]}],"
                                                + "\"nextCursor\":null,\"other\":-0}"))
                        .out("[a\"b\\cé😀/]\n"),
                KvCase.of("list JSON with trailing garbage", "print kv_list(\"\")\n")
                        .canned(json("{\"items\":[]} x"))
                        .error(1, "kv_list: invalid response from {URL}"),
                KvCase.of("list JSON with a duplicate member", "print kv_list(\"\")\n")
                        .canned(json("{\"items\":[],\"items\":[]}"))
                        .error(1, "kv_list: invalid response from {URL}"),
                KvCase.of("list JSON item without a string key", "print kv_list(\"\")\n")
                        .canned(json("{\"items\":[{\"key\":1}]}"))
                        .error(1, "kv_list: invalid response from {URL}"),
                KvCase.of("list JSON without items", "print kv_list(\"\")\n")
                        .canned(json("{\"nextCursor\":null}"))
                        .error(1, "kv_list: invalid response from {URL}"),
                KvCase.of("list JSON with a lone surrogate", "print kv_list(\"\")\n")
                        .canned(json("{\"items\":[{\"key\":\"\\uDE00\"}]}"))
                        .error(1, "kv_list: invalid response from {URL}"),
                KvCase.of("list JSON with a leading zero", "print kv_list(\"\")\n")
                        .canned(json("{\"items\":[{\"key\":\"a\",\"version\":01}]}"))
                        .error(1, "kv_list: invalid response from {URL}"));
    }

    /** A 200 response with a JSON body (ASCII only). */
    private static String json(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body;
    }
}
