package dev.whispem.runtime.bytecode;

import dev.whispem.runtime.vm.Values;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The informative {@code --dump} listing of SPEC §15.10. */
public final class Disassembler {
    private Disassembler() {}

    public static String disassemble(Program program) {
        List<Chunk> functions =
                new ArrayList<>(program.chunks().subList(1, program.chunks().size()));
        functions.sort(
                (a, b) ->
                        Arrays.compareUnsigned(
                                a.name().getBytes(StandardCharsets.UTF_8),
                                b.name().getBytes(StandardCharsets.UTF_8)));
        StringBuilder out = new StringBuilder();
        chunk(out, program.main());
        for (Chunk chunk : functions) {
            out.append('\n');
            chunk(out, chunk);
        }
        return out.toString();
    }

    private static void chunk(StringBuilder out, Chunk chunk) {
        out.append("== ").append(chunk.name()).append(" ==\n");
        byte[] code = chunk.code();
        int offset = 0;
        while (offset < code.length) {
            offset = instruction(out, chunk, offset);
        }
    }

    private static int instruction(StringBuilder out, Chunk chunk, int offset) {
        byte[] code = chunk.code();
        int op = code[offset] & 0xFF;
        String name = Opcode.name(op);
        out.append(String.format("%04d  ", offset));
        int line = chunk.lineAt(offset);
        if (offset > 0 && chunk.lineAt(offset - 1) == line) {
            out.append("   |");
        } else {
            out.append(String.format("%4d", line));
        }
        out.append("  ");
        if (name == null) {
            out.append(String.format("UNKNOWN 0x%02X%n", op));
            return offset + 1;
        }
        Opcode.Shape shape = Opcode.shape(op);
        int end =
                switch (shape) {
                    case NONE -> offset + 1;
                    case CONSTANT, BYTE -> offset + 2;
                    case JUMP, CALL -> offset + 3;
                    case CLOSURE -> closureEnd(code, offset);
                };
        if (end > code.length) {
            out.append(name).append(" (truncated)\n");
            return code.length;
        }
        switch (shape) {
            case NONE -> out.append(name);
            case CONSTANT, BYTE -> operand(out, chunk, name, code[offset + 1] & 0xFF);
            case JUMP -> {
                int target = ((code[offset + 1] & 0xFF) << 8) | (code[offset + 2] & 0xFF);
                out.append(String.format("%-20s        -> %04d", name, target));
            }
            case CALL -> {
                operand(out, chunk, name, code[offset + 1] & 0xFF);
                out.append(" (").append(code[offset + 2] & 0xFF).append(" args)");
            }
            case CLOSURE -> {
                operand(out, chunk, name, code[offset + 1] & 0xFF);
                out.append(" (").append(code[offset + 2] & 0xFF).append(" upvalues)");
            }
        }
        out.append('\n');
        return end;
    }

    private static void operand(StringBuilder out, Chunk chunk, String name, int operand) {
        String constant =
                operand < chunk.constants().size()
                        ? Values.print(chunk.constants().get(operand))
                        : "?";
        out.append(String.format("%-20s%3d    '%s'", name, operand, constant));
    }

    private static int closureEnd(byte[] code, int offset) {
        if (offset + 3 > code.length) {
            return offset + 3;
        }
        int at = offset + 3;
        for (int i = 0; i < (code[offset + 2] & 0xFF); i++) {
            if (at + 2 > code.length) {
                return at + 2;
            }
            at += 2 + (code[at + 1] & 0xFF);
        }
        return at;
    }
}
