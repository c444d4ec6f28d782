package dev.whispem.runtime.bytecode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds raw {@code .whbc} images byte by byte, for tests of hand-made or broken files. */
public final class Asm {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    public static Asm file(int chunkCount) {
        Asm asm = new Asm();
        asm.raw('W', 'H', 'B', 'C', 4).u16(chunkCount);
        return asm;
    }

    /** Starts a chunk header: name, param_count, upvalue_count 0, const_count. */
    public Asm chunk(String name, int params, int constCount) {
        return str(name).raw(params, 0, constCount);
    }

    public Asm num(double value) {
        raw(0);
        long bits = Double.doubleToRawLongBits(value);
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.write((int) (bits >>> shift));
        }
        return this;
    }

    public Asm string(String value) {
        return raw(2).str(value);
    }

    /** Code bytes followed by a line table with every byte on line 1. */
    public Asm code(int... bytes) {
        u32(bytes.length);
        raw(bytes);
        u32(bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            u32(1);
        }
        return this;
    }

    public Asm str(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        u16(bytes.length);
        out.writeBytes(bytes);
        return this;
    }

    public Asm raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    public Asm u16(int value) {
        return raw(value >> 8, value);
    }

    public Asm u32(int value) {
        return raw(value >>> 24, value >>> 16, value >>> 8, value);
    }

    public byte[] bytes() {
        return out.toByteArray();
    }
}
