package dev.whispem.minikv.node.storage;

import java.nio.ByteBuffer;

/**
 * A value as stored: the version (the revision of the write that produced it, unique for the key
 * over time, so an {@code If-Match} can never match a deleted and re-created key), the expiry in
 * epoch milliseconds (0 = never) and the bytes.
 *
 * <p>Encoded as {@code format (1 byte, = 1) | version (8) | expiresAtMillis (8) | value}.
 */
public record StoredValue(long version, long expiresAtMillis, byte[] value) {

    private static final byte FORMAT_V1 = 1;
    private static final int HEADER = 17;

    public boolean isExpiredAt(long nowMillis) {
        return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
    }

    /**
     * The expiry of an encoded value (0 = never), read from its header without copying the value: a
     * sweep for expired keys reads every header and few values.
     */
    public static long expiresAtOf(byte[] encoded) {
        if (encoded.length < HEADER || encoded[0] != FORMAT_V1) {
            throw new IllegalStateException("not a stored value");
        }
        return ByteBuffer.wrap(encoded, 9, 8).getLong();
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(HEADER + value.length);
        b.put(FORMAT_V1).putLong(version).putLong(expiresAtMillis).put(value);
        return b.array();
    }

    public static StoredValue decode(byte[] encoded) {
        ByteBuffer b = ByteBuffer.wrap(encoded);
        byte format = b.get();
        if (format != FORMAT_V1) {
            throw new IllegalStateException("unknown stored value format " + format);
        }
        long version = b.getLong();
        long expires = b.getLong();
        byte[] value = new byte[encoded.length - HEADER];
        b.get(value);
        return new StoredValue(version, expires, value);
    }
}
