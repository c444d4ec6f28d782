package dev.whispem.runtime.bytecode;

import dev.whispem.runtime.vm.NoneValue;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and verifies {@code .whbc} version 4 (SPEC §12). Everything the VM later trusts is checked
 * here once: constant indices and kinds, jump targets, closure descriptors, opcodes.
 */
public final class BytecodeReader {
    private final byte[] data;
    private int pos;

    private BytecodeReader(byte[] data) {
        this.data = data;
    }

    /** Parses and verifies; any defect is reported as {@link InvalidBytecodeException}. */
    public static Program read(byte[] data) throws InvalidBytecodeException {
        BytecodeReader reader = new BytecodeReader(data);
        Program program = reader.program();
        for (Chunk chunk : program.chunks()) {
            CodeVerifier.verify(chunk, program);
        }
        return program;
    }

    private Program program() throws InvalidBytecodeException {
        if (data.length < 5) {
            throw new InvalidBytecodeException("file too short");
        }
        for (int i = 0; i < 4; i++) {
            if (data[i] != BytecodeWriter.MAGIC[i]) {
                throw new InvalidBytecodeException("bad magic bytes (not a .whbc file)");
            }
        }
        int version = data[4] & 0xFF;
        if (version != BytecodeWriter.VERSION) {
            throw new InvalidBytecodeException(
                    "version mismatch: expected " + BytecodeWriter.VERSION + ", got " + version);
        }
        pos = 5;
        int count = u16();
        if (count == 0) {
            throw new InvalidBytecodeException("bytecode contains no chunks");
        }
        List<Chunk> chunks = new ArrayList<>(count);
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            Chunk chunk = chunk();
            if (!names.add(chunk.name())) {
                throw new InvalidBytecodeException("duplicate chunk name '" + chunk.name() + "'");
            }
            chunks.add(chunk);
        }
        if (pos != data.length) {
            throw new InvalidBytecodeException("trailing bytes after last chunk");
        }
        return new Program(chunks);
    }

    private Chunk chunk() throws InvalidBytecodeException {
        String name = utf8(u16(), "chunk name is not valid UTF-8");
        int paramCount = u8();
        u8(); // upvalue_count: always 0, ignored (SPEC §12)
        int constCount = u8();
        List<Object> constants = new ArrayList<>(constCount);
        for (int i = 0; i < constCount; i++) {
            constants.add(constant());
        }
        int codeLength = u32Length();
        byte[] code = bytes(codeLength);
        int linesLength = u32Length();
        need((long) linesLength * 4);
        int[] lines = new int[linesLength];
        for (int i = 0; i < linesLength; i++) {
            lines[i] = (int) u32();
        }
        if (linesLength != codeLength) {
            throw new InvalidBytecodeException(
                    "line table length "
                            + linesLength
                            + " does not match code length "
                            + codeLength
                            + " in chunk '"
                            + name
                            + "'");
        }
        return new Chunk(name, paramCount, constants, code, lines);
    }

    private Object constant() throws InvalidBytecodeException {
        int tag = u8();
        return switch (tag) {
            case 0 -> {
                need(8);
                long bits = ByteBuffer.wrap(data, pos, 8).getLong();
                pos += 8;
                yield Double.longBitsToDouble(bits);
            }
            case 1 -> u8() != 0;
            case 2 -> utf8(u16(), "string constant is not valid UTF-8");
            case 3 -> NoneValue.NONE;
            default -> throw new InvalidBytecodeException("unknown constant tag " + tag);
        };
    }

    // ---- primitive reads -----------------------------------------------------------------

    private void need(long count) throws InvalidBytecodeException {
        long have = data.length - pos;
        if (count > have) {
            throw new InvalidBytecodeException(
                    "unexpected end of bytecode at offset "
                            + pos
                            + " (need "
                            + count
                            + " bytes, have "
                            + have
                            + ")");
        }
    }

    private int u8() throws InvalidBytecodeException {
        need(1);
        return data[pos++] & 0xFF;
    }

    private int u16() throws InvalidBytecodeException {
        need(2);
        int value = ((data[pos] & 0xFF) << 8) | (data[pos + 1] & 0xFF);
        pos += 2;
        return value;
    }

    private long u32() throws InvalidBytecodeException {
        need(4);
        long value = ByteBuffer.wrap(data, pos, 4).getInt() & 0xFFFFFFFFL;
        pos += 4;
        return value;
    }

    /** A u32 length; anything beyond the file size is reported as a short read. */
    private int u32Length() throws InvalidBytecodeException {
        long length = u32();
        need(length);
        return (int) length;
    }

    private byte[] bytes(int count) throws InvalidBytecodeException {
        need(count);
        byte[] out = new byte[count];
        System.arraycopy(data, pos, out, 0, count);
        pos += count;
        return out;
    }

    private String utf8(int length, String error) throws InvalidBytecodeException {
        byte[] raw = bytes(length);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidBytecodeException(error);
        }
    }
}
