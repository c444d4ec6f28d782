package dev.whispem.runtime.bytecode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.whispem.runtime.vm.RunResult;
import dev.whispem.runtime.vm.WhispemVm;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verifying reader (SPEC §12, D9): every defect gives its exact message, nothing else. */
class BytecodeReaderTest {

    private static void rejects(byte[] data, String detail) {
        assertThatThrownBy(() -> BytecodeReader.read(data))
                .isInstanceOf(InvalidBytecodeException.class)
                .hasMessage("Invalid bytecode: " + detail);
    }

    /** A valid one-chunk file: print 1, halt. */
    private static byte[] minimal() {
        return Asm.file(1).chunk("<main>", 0, 1).num(1).code(0x00, 0, 0x70, 0xFF).bytes();
    }

    @Test
    void acceptsAMinimalFileAndRunsIt() throws Exception {
        Program program = BytecodeReader.read(minimal());
        assertThat(program.chunks()).hasSize(1);
        RunResult result =
                WhispemVm.runBytecode(
                        minimal(), "m.whbc", List.of(), "", WhispemVm.Options.DEFAULT);
        assertThat(result.stdoutText()).isEqualTo("1\n");
    }

    @Test
    void headerChecks() {
        rejects(new byte[] {'W', 'H', 'B', 'C'}, "file too short");
        rejects(new byte[] {'W', 'H', 'B', 'X', 4, 0, 1}, "bad magic bytes (not a .whbc file)");
        rejects(new byte[] {'W', 'H', 'B', 'C', 3, 0, 1}, "version mismatch: expected 4, got 3");
        rejects(new byte[] {'W', 'H', 'B', 'C', 4, 0, 0}, "bytecode contains no chunks");
        rejects(
                new byte[] {'W', 'H', 'B', 'C', 4, 0},
                "unexpected end of bytecode at offset 5 (need 2 bytes, have 1)");
    }

    @Test
    void everyTruncationIsAShortRead() {
        byte[] full = minimal();
        for (int length = 5; length < full.length; length++) {
            byte[] cut = Arrays.copyOf(full, length);
            assertThatThrownBy(() -> BytecodeReader.read(cut))
                    .isInstanceOf(InvalidBytecodeException.class)
                    .hasMessageStartingWith(
                            "Invalid bytecode: unexpected end of bytecode at offset");
        }
    }

    @Test
    void constantsAndNames() {
        rejects(
                Asm.file(1).chunk("<main>", 0, 1).raw(9).code(0xFF).bytes(),
                "unknown constant tag 9");
        rejects(
                Asm.file(1).raw(0, 2, 0xC3, 0x28).raw(0, 0, 0).code(0xFF).bytes(),
                "chunk name is not valid UTF-8");
        rejects(
                Asm.file(1).chunk("<main>", 0, 1).raw(2, 0, 1, 0xFF).code(0xFF).bytes(),
                "string constant is not valid UTF-8");
    }

    @Test
    void acceptsBoolAndNoneConstants() throws Exception {
        byte[] data =
                Asm.file(1)
                        .chunk("<main>", 0, 2)
                        .raw(1, 1, 3)
                        .code(0x00, 0, 0x70, 0x00, 1, 0x70, 0xFF)
                        .bytes();
        BytecodeReader.read(data);
        RunResult result =
                WhispemVm.runBytecode(data, "b.whbc", List.of(), "", WhispemVm.Options.DEFAULT);
        assertThat(result.stdoutText()).isEqualTo("true\n\n");
    }

    @Test
    void trailingBytesAndDuplicateChunks() {
        byte[] trailing = Arrays.copyOf(minimal(), minimal().length + 1);
        rejects(trailing, "trailing bytes after last chunk");
        byte[] duplicate =
                Asm.file(3)
                        .chunk("<main>", 0, 0)
                        .code(0xFF)
                        .chunk("f", 0, 0)
                        .code(0x52)
                        .chunk("f", 0, 0)
                        .code(0x52)
                        .bytes();
        rejects(duplicate, "duplicate chunk name 'f'");
    }

    @Test
    void lineTableMustMatchCode() {
        byte[] data = Asm.file(1).chunk("<main>", 0, 0).u32(1).raw(0xFF).u32(0).bytes();
        rejects(data, "line table length 0 does not match code length 1 in chunk '<main>'");
    }

    @Test
    void operandChecks() {
        rejects(
                Asm.file(1).chunk("<main>", 0, 0).code(0x00, 0, 0xFF).bytes(),
                "constant index 0 out of range (0 constants) in chunk '<main>' at offset 0");
        rejects(
                Asm.file(1).chunk("<main>", 0, 1).num(1).code(0x10, 0, 0xFF).bytes(),
                "LOAD operand 0 is not a string constant in chunk '<main>' at offset 0");
        rejects(
                Asm.file(1).chunk("<main>", 0, 1).num(1).code(0x50, 0, 0, 0xFF).bytes(),
                "CALL operand 0 is not a string constant in chunk '<main>' at offset 0");
        rejects(
                Asm.file(1).chunk("<main>", 0, 0).code(0x01, 0x99, 0xFF).bytes(),
                "unknown opcode 0x99 in chunk '<main>' at offset 1");
        rejects(
                Asm.file(1).chunk("<main>", 0, 0).code(0x01, 0x40, 0).bytes(),
                "truncated JUMP instruction in chunk '<main>' at offset 1");
    }

    @Test
    void jumpTargets() {
        rejects(
                Asm.file(1).chunk("<main>", 0, 0).code(0x40, 0, 9, 0xFF).bytes(),
                "jump target 9 out of range (code length 4) in chunk '<main>' at offset 0");
        rejects(
                Asm.file(1).chunk("<main>", 0, 0).code(0x40, 0, 1, 0xFF).bytes(),
                "jump target 1 is not an instruction start in chunk '<main>' at offset 0");
    }

    @Test
    void closureDescriptors() {
        rejects(
                Asm.file(1).chunk("<main>", 0, 1).string("g").code(0x53, 0, 0, 0xFF).bytes(),
                "MAKE_CLOSURE refers to unknown chunk 'g' in chunk '<main>' at offset 0");
        byte[] runsPastEnd =
                Asm.file(2)
                        .chunk("<main>", 0, 1)
                        .string("g")
                        .code(0x53, 0, 1, 1, 5, 'x')
                        .chunk("g", 0, 0)
                        .code(0x52)
                        .bytes();
        rejects(runsPastEnd, "bad upvalue descriptor in chunk '<main>' at offset 0");
        byte[] badFlag =
                Asm.file(2)
                        .chunk("<main>", 0, 1)
                        .string("g")
                        .code(0x53, 0, 1, 7, 1, 'x', 0xFF)
                        .chunk("g", 0, 0)
                        .code(0x52)
                        .bytes();
        rejects(badFlag, "bad upvalue descriptor flag 7 in chunk '<main>' at offset 0");
        byte[] badSlot =
                Asm.file(2)
                        .chunk("<main>", 0, 1)
                        .string("g")
                        .code(0x53, 0, 1, 0, 1, 'x', 0xFF)
                        .chunk("g", 0, 0)
                        .code(0x52)
                        .bytes();
        rejects(badSlot, "bad upvalue descriptor in chunk '<main>' at offset 0");
    }

    @Test
    void makeClosureCannotNameMain() {
        rejects(
                Asm.file(1).chunk("<main>", 0, 1).string("<main>").code(0x53, 0, 0, 0xFF).bytes(),
                "MAKE_CLOSURE refers to unknown chunk '<main>' in chunk '<main>' at offset 0");
    }

    @Test
    void cliStyleReportNamesTheFile() {
        RunResult result =
                WhispemVm.runBytecode(
                        new byte[] {1, 2}, "x.whbc", List.of(), "", WhispemVm.Options.DEFAULT);
        assertThat(result.status()).isEqualTo(1);
        assertThat(result.stderrText())
                .isEqualTo("x.whbc: Error: Invalid bytecode: file too short\n");
    }
}
