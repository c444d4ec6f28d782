package dev.whispem.minikv.node.api;

import dev.whispem.minikv.node.replication.Precondition;
import dev.whispem.minikv.node.routing.Consistency;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Parsing and validation shared by the client API resources; every failure is a 4xx. */
final class Requests {

    static final String TENANT_HEADER = "X-MiniKV-Tenant";
    static final String DEFAULT_TENANT = "default";
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern ETAG = Pattern.compile("(W/)?\"?([0-9]{1,19})\"?");

    private Requests() {}

    static String tenant(String header) {
        if (header == null || header.isEmpty()) {
            return DEFAULT_TENANT;
        }
        if (!TENANT.matcher(header).matches()) {
            throw ApiException.badRequest("tenant must match " + TENANT.pattern());
        }
        return header;
    }

    static byte[] key(String key, LimitsConfig limits) {
        if (key == null || key.isEmpty()) {
            throw ApiException.badRequest("key must not be empty");
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > limits.maxKeyBytes()) {
            throw ApiException.tooLarge(
                    "key is " + bytes.length + " bytes; the limit is " + limits.maxKeyBytes());
        }
        return bytes;
    }

    static byte[] value(byte[] body, LimitsConfig limits) {
        byte[] v = body == null ? new byte[0] : body;
        if (v.length > limits.maxValueBytes()) {
            throw ApiException.tooLarge(
                    "value is " + v.length + " bytes; the limit is " + limits.maxValueBytes());
        }
        return v;
    }

    static long ttl(String ttl) {
        if (ttl == null || ttl.isEmpty()) {
            return 0;
        }
        try {
            long seconds = Long.parseLong(ttl);
            if (seconds <= 0 || seconds > 10L * 365 * 24 * 3600) {
                throw ApiException.badRequest("ttl must be between 1 and 315360000 seconds");
            }
            return seconds;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("ttl must be a whole number of seconds");
        }
    }

    /** {@code If-Match: "<version>"} / {@code *} and {@code If-None-Match: *}. */
    static Precondition precondition(String ifMatch, String ifNoneMatch) {
        if (ifMatch != null && ifNoneMatch != null) {
            throw ApiException.badRequest("use either If-Match or If-None-Match, not both");
        }
        if (ifNoneMatch != null) {
            if (!ifNoneMatch.trim().equals("*")) {
                throw ApiException.badRequest("only If-None-Match: * is supported");
            }
            return Precondition.ABSENT;
        }
        if (ifMatch != null) {
            String m = ifMatch.trim();
            if (m.equals("*")) {
                return Precondition.EXISTS;
            }
            var matcher = ETAG.matcher(m);
            if (!matcher.matches()) {
                throw ApiException.badRequest("If-Match must be a version in quotes, e.g. \"42\"");
            }
            return Precondition.versionEquals(Long.parseLong(matcher.group(2)));
        }
        return Precondition.NONE;
    }

    static Consistency consistency(String value) {
        if (value == null || value.isEmpty() || value.equalsIgnoreCase("linearizable")) {
            return Consistency.LINEARIZABLE;
        }
        if (value.equalsIgnoreCase("stale")) {
            return Consistency.STALE;
        }
        throw ApiException.badRequest("consistency must be linearizable or stale");
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }
}
