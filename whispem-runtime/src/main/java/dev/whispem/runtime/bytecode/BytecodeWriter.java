package dev.whispem.runtime.bytecode;

import dev.whispem.runtime.vm.NoneValue;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Serialises a {@link Program} as {@code .whbc} version 4 (SPEC §12), upvalue_count always 0. */
public final class BytecodeWriter {
    public static final byte[] MAGIC = {'W', 'H', 'B', 'C'};
    public static final int VERSION = 4;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private BytecodeWriter() {}

    public static byte[] write(Program program) throws SerializationException {
        BytecodeWriter writer = new BytecodeWriter();
        writer.program(program);
        return writer.out.toByteArray();
    }

    private void program(Program program) throws SerializationException {
        out.writeBytes(MAGIC);
        out.write(VERSION);
        u16(program.chunks().size());
        for (Chunk chunk : program.chunks()) {
            chunk(chunk);
        }
    }

    private void chunk(Chunk chunk) throws SerializationException {
        // A 256th constant would wrap const_count to 0 in the reference (D3).
        if (chunk.constants().size() > 255) {
            throw new SerializationException("too many constants in '" + chunk.name() + "'");
        }
        string(chunk.name(), "chunk name");
        out.write(chunk.paramCount());
        out.write(0);
        out.write(chunk.constants().size());
        for (Object constant : chunk.constants()) {
            constant(constant, chunk);
        }
        u32(chunk.code().length);
        out.writeBytes(chunk.code());
        u32(chunk.lines().length);
        for (int line : chunk.lines()) {
            u32(line);
        }
    }

    private void constant(Object constant, Chunk chunk) throws SerializationException {
        switch (constant) {
            case Double number -> {
                out.write(0);
                long bits = Double.doubleToRawLongBits(number);
                u32((int) (bits >>> 32));
                u32((int) bits);
            }
            case Boolean bool -> {
                out.write(1);
                out.write(bool ? 1 : 0);
            }
            case String text -> {
                out.write(2);
                string(text, "string constant in '" + chunk.name() + "'");
            }
            case NoneValue none -> out.write(3);
            default -> throw new IllegalArgumentException("not a constant: " + constant);
        }
    }

    private void string(String text, String what) throws SerializationException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0xFFFF) {
            throw new SerializationException(what + " is longer than 65535 bytes");
        }
        u16(bytes.length);
        out.writeBytes(bytes);
    }

    private void u16(int value) {
        out.write(value >> 8);
        out.write(value);
    }

    private void u32(int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }
}
