package dev.whispem.runtime.bytecode;

import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The load-time checks SPEC §12 asks of our VMs beyond the reference reader, so that the dispatch
 * loop can trust every operand.
 */
final class CodeVerifier {
    private final Chunk chunk;
    private final Set<String> callableChunks = new HashSet<>();
    private final byte[] code;

    private CodeVerifier(Chunk chunk, Program program) {
        this.chunk = chunk;
        this.code = chunk.code();
        // MAKE_CLOSURE looks chunks up in the table of all chunks except <main> (SPEC §14.4).
        for (int i = 1; i < program.chunks().size(); i++) {
            callableChunks.add(program.chunks().get(i).name());
        }
    }

    static void verify(Chunk chunk, Program program) throws InvalidBytecodeException {
        new CodeVerifier(chunk, program).run();
    }

    private void run() throws InvalidBytecodeException {
        BitSet starts = new BitSet(code.length);
        int offset = 0;
        while (offset < code.length) {
            starts.set(offset);
            offset += instructionLength(offset);
        }
        offset = 0;
        while (offset < code.length) {
            checkOperands(offset, starts);
            offset += instructionLength(offset);
        }
    }

    private InvalidBytecodeException fail(String what, int offset) {
        return new InvalidBytecodeException(
                what + " in chunk '" + chunk.name() + "' at offset " + offset);
    }

    /** Length of the instruction at {@code offset}, checking that it fits in the code. */
    private int instructionLength(int offset) throws InvalidBytecodeException {
        int op = code[offset] & 0xFF;
        Opcode.Shape shape = Opcode.shape(op);
        if (shape == null) {
            throw fail(String.format("unknown opcode 0x%02X", op), offset);
        }
        int length =
                switch (shape) {
                    case NONE -> 1;
                    case CONSTANT, BYTE -> 2;
                    case JUMP, CALL -> 3;
                    case CLOSURE -> closureLength(offset);
                };
        if (offset + length > code.length) {
            throw fail("truncated " + Opcode.name(op) + " instruction", offset);
        }
        return length;
    }

    private int closureLength(int offset) throws InvalidBytecodeException {
        if (offset + 3 > code.length) {
            throw fail("truncated MAKE_CLOSURE instruction", offset);
        }
        int count = code[offset + 2] & 0xFF;
        int at = offset + 3;
        for (int i = 0; i < count; i++) {
            if (at + 2 > code.length) {
                throw fail("bad upvalue descriptor", offset);
            }
            int flag = code[at] & 0xFF;
            int length = code[at + 1] & 0xFF;
            if (flag > 1) {
                throw fail("bad upvalue descriptor flag " + flag, offset);
            }
            if (at + 2 + length > code.length) {
                throw fail("bad upvalue descriptor", offset);
            }
            if (flag == 0 && !isDecimal(at + 2, length)) {
                throw fail("bad upvalue descriptor", offset);
            }
            if (flag == 1 && !isUtf8(at + 2, length)) {
                throw fail("bad upvalue descriptor", offset);
            }
            at += 2 + length;
        }
        return at - offset;
    }

    private boolean isDecimal(int from, int length) {
        if (length == 0 || length > 3) {
            return false;
        }
        for (int i = from; i < from + length; i++) {
            if (code[i] < '0' || code[i] > '9') {
                return false;
            }
        }
        return true;
    }

    private boolean isUtf8(int from, int length) {
        try {
            java.nio.charset.StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(code, from, length));
            return true;
        } catch (java.nio.charset.CharacterCodingException e) {
            return false;
        }
    }

    private void checkOperands(int offset, BitSet starts) throws InvalidBytecodeException {
        int op = code[offset] & 0xFF;
        switch (op) {
            case Opcode.PUSH_CONST -> constantIndex(offset, code[offset + 1] & 0xFF);
            case Opcode.LOAD, Opcode.STORE, Opcode.LOAD_GLOBAL, Opcode.CALL ->
                    stringConstant(offset, code[offset + 1] & 0xFF);
            case Opcode.MAKE_CLOSURE -> {
                String name = stringConstant(offset, code[offset + 1] & 0xFF);
                if (!callableChunks.contains(name)) {
                    throw fail("MAKE_CLOSURE refers to unknown chunk '" + name + "'", offset);
                }
            }
            case Opcode.JUMP,
                    Opcode.JUMP_IF_FALSE,
                    Opcode.JUMP_IF_TRUE,
                    Opcode.PEEK_JUMP_IF_FALSE,
                    Opcode.PEEK_JUMP_IF_TRUE -> {
                int target = ((code[offset + 1] & 0xFF) << 8) | (code[offset + 2] & 0xFF);
                if (target >= code.length) {
                    throw fail(
                            "jump target "
                                    + target
                                    + " out of range (code length "
                                    + code.length
                                    + ")",
                            offset);
                }
                if (!starts.get(target)) {
                    throw fail("jump target " + target + " is not an instruction start", offset);
                }
            }
            default -> {
                // no operand to check
            }
        }
    }

    private Object constantIndex(int offset, int index) throws InvalidBytecodeException {
        int count = chunk.constants().size();
        if (index >= count) {
            throw fail(
                    "constant index " + index + " out of range (" + count + " constants)", offset);
        }
        return chunk.constants().get(index);
    }

    private String stringConstant(int offset, int index) throws InvalidBytecodeException {
        Object constant = constantIndex(offset, index);
        if (!(constant instanceof String name)) {
            throw fail(
                    Opcode.name(code[offset]) + " operand " + index + " is not a string constant",
                    offset);
        }
        return name;
    }
}
