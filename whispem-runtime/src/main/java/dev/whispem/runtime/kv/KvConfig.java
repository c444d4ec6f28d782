package dev.whispem.runtime.kv;

import java.util.Map;

/**
 * The environment of docs/whispem/kv-extension.md §4, parsed once. A bad or missing setting is kept
 * as an error text and reported when a kv_* function is called, so programs that never call one are
 * unaffected.
 */
record KvConfig(
        String host,
        int port,
        String hostHeader,
        String basePath,
        String endpoint,
        String token,
        int timeoutMs,
        String error) {

    static final int DEFAULT_TIMEOUT_MS = 10_000;
    static final int MAX_TIMEOUT_MS = 3_600_000;

    static KvConfig from(Map<String, String> env) {
        String url = env.get("MINIKV_URL");
        if (url == null || url.isEmpty()) {
            return failed("MINIKV_URL is not set");
        }
        String badUrl = "MINIKV_URL must be http://host[:port][/path], got '" + url + "'";
        if (!url.startsWith("http://")) {
            return failed(badUrl);
        }
        String rest = url.substring("http://".length());
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash);
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x21 || c > 0x7E || c == '?' || c == '#') {
                return failed(badUrl);
            }
        }
        String host;
        String portText = null;
        if (authority.startsWith("[")) {
            int close = authority.indexOf(']');
            if (close < 0) {
                return failed(badUrl);
            }
            host = authority.substring(1, close);
            if (host.isEmpty() || !host.chars().allMatch(KvConfig::ipv6Char)) {
                return failed(badUrl);
            }
            String after = authority.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    return failed(badUrl);
                }
                portText = after.substring(1);
            }
        } else {
            int colon = authority.indexOf(':');
            host = colon < 0 ? authority : authority.substring(0, colon);
            portText = colon < 0 ? null : authority.substring(colon + 1);
            if (host.isEmpty() || !host.chars().allMatch(KvConfig::hostChar)) {
                return failed(badUrl);
            }
        }
        int port = 80;
        if (portText != null) {
            if (portText.isEmpty() || portText.length() > 5 || !allDigits(portText)) {
                return failed(badUrl);
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                return failed(badUrl);
            }
        }
        String endpoint = stripTrailingSlashes(url);
        String basePath = stripTrailingSlashes(path);

        String token = env.get("MINIKV_TOKEN");
        if (token != null && !token.isEmpty()) {
            if (!token.chars().allMatch(c -> c >= 0x21 && c <= 0x7E)) {
                return failed("MINIKV_TOKEN must be visible ASCII characters without spaces");
            }
        } else {
            token = null;
        }

        int timeout = DEFAULT_TIMEOUT_MS;
        String timeoutText = env.get("MINIKV_TIMEOUT_MS");
        if (timeoutText != null && !timeoutText.isEmpty()) {
            long value = -1;
            if (allDigits(timeoutText)) {
                String significant = timeoutText.replaceFirst("^0+", "");
                value =
                        significant.length() > 7
                                ? Long.MAX_VALUE
                                : Long.parseLong("0" + significant);
            }
            if (value < 1 || value > MAX_TIMEOUT_MS) {
                return failed(
                        "MINIKV_TIMEOUT_MS must be a whole number from 1 to "
                                + MAX_TIMEOUT_MS
                                + ", got '"
                                + timeoutText
                                + "'");
            }
            timeout = (int) value;
        }
        return new KvConfig(host, port, authority, basePath, endpoint, token, timeout, null);
    }

    private static KvConfig failed(String error) {
        return new KvConfig(null, 0, null, null, null, null, 0, error);
    }

    private static boolean hostChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || c == '-'
                || c == '.';
    }

    private static boolean ipv6Char(int c) {
        return (c >= 'a' && c <= 'f')
                || (c >= 'A' && c <= 'F')
                || (c >= '0' && c <= '9')
                || c == ':'
                || c == '.';
    }

    private static boolean allDigits(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
    }

    private static String stripTrailingSlashes(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '/') {
            end--;
        }
        return s.substring(0, end);
    }
}
