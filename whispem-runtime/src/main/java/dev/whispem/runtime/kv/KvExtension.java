package dev.whispem.runtime.kv;

import dev.whispem.runtime.vm.NativeFunction;
import dev.whispem.runtime.vm.NoneValue;
import dev.whispem.runtime.vm.Values;
import dev.whispem.runtime.vm.WArray;
import dev.whispem.runtime.vm.WhispemError;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code kv_get}, {@code kv_put}, {@code kv_delete} and {@code kv_list} builtins of the MiniKV
 * extension, specified in docs/whispem/kv-extension.md. They are host functions ({@link
 * NativeFunction}), which the VM resolves after every user definition.
 */
public final class KvExtension {
    /** The names, in the order of the spec's table. */
    public static final List<String> NAMES = List.of("kv_get", "kv_put", "kv_delete", "kv_list");

    static final int PAGE_LIMIT = 1000;

    private final KvConfig config;

    private KvExtension(KvConfig config) {
        this.config = config;
    }

    /**
     * The four functions, configured from {@code env} ({@code MINIKV_URL}, {@code MINIKV_TOKEN},
     * {@code MINIKV_TIMEOUT_MS}); configuration errors are reported when a function is called.
     */
    public static Map<String, NativeFunction> natives(Map<String, String> env) {
        KvExtension kv = new KvExtension(KvConfig.from(env));
        return Map.of(
                "kv_get", kv::get,
                "kv_put", kv::put,
                "kv_delete", kv::delete,
                "kv_list", kv::list);
    }

    /** {@link #natives(Map)} from the process environment, as the CLI uses it. */
    public static Map<String, NativeFunction> fromEnvironment() {
        return natives(System.getenv());
    }

    private Object get(List<Object> args) {
        String key = key("kv_get", args, 1);
        checkConfig("kv_get");
        KvHttp.Response response = send("kv_get", "GET", keyTarget(key), null);
        if (response.status() == 404) {
            return NoneValue.NONE;
        }
        if (response.status() / 100 != 2) {
            throw httpError("kv_get", response.status());
        }
        return utf8("kv_get", response.body());
    }

    private Object put(List<Object> args) {
        String key = key("kv_put", args, 2);
        String value = string(args.get(1));
        checkConfig("kv_put");
        KvHttp.Response response =
                send("kv_put", "PUT", keyTarget(key), value.getBytes(StandardCharsets.UTF_8));
        if (response.status() / 100 != 2) {
            throw httpError("kv_put", response.status());
        }
        return NoneValue.NONE;
    }

    private Object delete(List<Object> args) {
        String key = key("kv_delete", args, 1);
        checkConfig("kv_delete");
        KvHttp.Response response = send("kv_delete", "DELETE", keyTarget(key), null);
        if (response.status() != 404 && response.status() / 100 != 2) {
            throw httpError("kv_delete", response.status());
        }
        return NoneValue.NONE;
    }

    private Object list(List<Object> args) {
        arity("kv_list", args, 1);
        String prefix = string(args.getFirst());
        checkConfig("kv_list");
        List<Object> keys = new ArrayList<>();
        String cursor = null;
        while (true) {
            StringBuilder target = new StringBuilder(config.basePath()).append("/v1/kv?");
            if (!prefix.isEmpty()) {
                target.append("prefix=").append(percentEncode(prefix)).append('&');
            }
            target.append("limit=").append(PAGE_LIMIT);
            if (cursor != null) {
                target.append("&cursor=").append(percentEncode(cursor));
            }
            KvHttp.Response response = send("kv_list", "GET", target.toString(), null);
            if (response.status() != 200) {
                throw httpError("kv_list", response.status());
            }
            KvJson.Page page;
            try {
                page = KvJson.page(utf8("kv_list", response.body()));
            } catch (KvJson.Invalid e) {
                throw invalidResponse("kv_list");
            }
            keys.addAll(page.keys());
            if (page.nextCursor() == null) {
                return WArray.of(keys);
            }
            if (page.nextCursor().equals(cursor)) {
                throw invalidResponse("kv_list");
            }
            cursor = page.nextCursor();
        }
    }

    // ---- checks (spec §3) -------------------------------------------------------------------

    /** Arity, then a non-empty string key as the first argument. */
    private static String key(String function, List<Object> args, int arity) {
        arity(function, args, arity);
        String key = string(args.getFirst());
        for (int i = 1; i < args.size(); i++) {
            string(args.get(i));
        }
        if (key.isEmpty()) {
            throw new WhispemError(
                    WhispemError.NO_LINE,
                    "Type error: expected non-empty string, found empty string");
        }
        return key;
    }

    private void checkConfig(String function) {
        if (config.error() != null) {
            throw failure(function, config.error());
        }
    }

    private static void arity(String function, List<Object> args, int expected) {
        if (args.size() != expected) {
            throw new WhispemError(
                    WhispemError.NO_LINE,
                    "Function '"
                            + function
                            + "' expected "
                            + expected
                            + (expected == 1 ? " argument" : " arguments")
                            + ", got "
                            + args.size());
        }
    }

    private static String string(Object value) {
        if (value instanceof String s) {
            return s;
        }
        throw new WhispemError(
                WhispemError.NO_LINE,
                "Type error: expected string, found " + Values.typeName(value));
    }

    // ---- HTTP (spec §6) ----------------------------------------------------------------------

    private KvHttp.Response send(String function, String method, String target, byte[] body) {
        try {
            return KvHttp.exchange(config, method, target, body);
        } catch (KvFailure e) {
            throw failure(function, e.getMessage());
        }
    }

    private String keyTarget(String key) {
        return config.basePath() + "/v1/kv/" + percentEncode(key);
    }

    /** Unreserved characters stay; every other UTF-8 byte becomes %XX (uppercase). */
    static String percentEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~') {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return out.toString();
    }

    private String utf8(String function, byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw invalidResponse(function);
        }
    }

    private WhispemError httpError(String function, int status) {
        return failure(function, "HTTP " + status + " from " + config.endpoint());
    }

    private WhispemError invalidResponse(String function) {
        return failure(function, "invalid response from " + config.endpoint());
    }

    private static WhispemError failure(String function, String message) {
        return new WhispemError(WhispemError.NO_LINE, function + ": " + message);
    }
}
