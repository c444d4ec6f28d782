package dev.whispem.runtime.bytecode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whispem.runtime.vm.RunResult;
import dev.whispem.runtime.vm.WhispemVm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Opcodes the compiler never emits, and runtime failures only forged bytecode can cause. */
class HandWrittenBytecodeTest {

    private static RunResult run(byte[] data) {
        return WhispemVm.runBytecode(data, "h.whbc", List.of(), "", WhispemVm.Options.DEFAULT);
    }

    @Test
    void pushNoneJumpIfTrueAndCloseUpvalue() {
        // PUSH_NONE PRINT; PUSH_TRUE JUMP_IF_TRUE ->9; PUSH_CONST 0 PRINT; CLOSE_UPVALUE 0; HALT
        byte[] data =
                Asm.file(1)
                        .chunk("<main>", 0, 1)
                        .num(7)
                        .code(0x03, 0x70, 0x01, 0x42, 0, 9, 0x00, 0, 0x70, 0x15, 0, 0xFF)
                        .bytes();
        assertThat(run(data).stdoutText()).isEqualTo("\n");
    }

    @Test
    void stackUnderflowHasNoLocation() {
        byte[] data = Asm.file(1).chunk("<main>", 0, 0).code(0x71, 0xFF).bytes();
        RunResult result = run(data);
        assertThat(result.stderrText())
                .isEqualTo("h.whbc: Error: Internal error: stack underflow\n");
        assertThat(result.status()).isEqualTo(1);
    }

    @Test
    void runningPastTheEnd() {
        byte[] data = Asm.file(1).chunk("<main>", 0, 0).code(0x01).bytes();
        assertThat(run(data).stderrText())
                .isEqualTo(
                        "h.whbc: Error: Invalid bytecode: execution ran past the end of chunk"
                                + " '<main>'\n");
    }

    @Test
    void upvalueSlotsOutOfRange() {
        byte[] load = Asm.file(1).chunk("<main>", 0, 0).code(0x13, 3, 0xFF).bytes();
        assertThat(run(load).stderrText())
                .isEqualTo(
                        "h.whbc: Error: Internal error: upvalue in invalid state: upvalue slot 3"
                                + " out of range\n");
        byte[] parent =
                Asm.file(2)
                        .chunk("<main>", 0, 1)
                        .string("g")
                        .code(0x53, 0, 1, 0, 1, '4', 0xFF)
                        .chunk("g", 0, 0)
                        .code(0x52)
                        .bytes();
        assertThat(run(parent).stderrText())
                .isEqualTo(
                        "h.whbc: Error: Internal error: upvalue in invalid state: parent upvalue"
                                + " slot 4 out of range\n");
    }

    @Test
    void callByNameCanReachALambdaChunkWithoutCells() {
        // CALL "g" 0; PRINT; HALT -- g returns 5 (SPEC §14.4 step 5)
        byte[] data =
                Asm.file(2)
                        .chunk("<main>", 0, 1)
                        .string("g")
                        .code(0x50, 0, 0, 0x70, 0xFF)
                        .chunk("g", 0, 1)
                        .num(5)
                        .code(0x00, 0, 0x51, 0x52)
                        .bytes();
        assertThat(run(data).stdoutText()).isEqualTo("5\n");
    }

    @Test
    void haltInsideAFunctionEndsTheProgram() {
        byte[] data =
                Asm.file(2)
                        .chunk("<main>", 0, 2)
                        .string("g")
                        .num(1)
                        .code(0x50, 0, 0, 0x00, 1, 0x70, 0xFF)
                        .chunk("g", 0, 0)
                        .code(0xFF)
                        .bytes();
        RunResult result = run(data);
        assertThat(result.stdoutText()).isEmpty();
        assertThat(result.status()).isZero();
    }

    @Test
    void instructionBudgetStopsEndlessLoops() {
        byte[] data = Asm.file(1).chunk("<main>", 0, 0).code(0x40, 0, 0).bytes();
        RunResult result =
                WhispemVm.runBytecode(
                        data,
                        "h.whbc",
                        List.of(),
                        "",
                        WhispemVm.Options.DEFAULT.withInstructionBudget(1000));
        assertThat(result.stderrText()).isEqualTo("h.whbc: Error: Instruction budget exhausted\n");
    }
}
