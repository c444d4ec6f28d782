package dev.whispem.runtime.compiler;

import dev.whispem.runtime.CompileException;
import dev.whispem.runtime.bytecode.Chunk;
import dev.whispem.runtime.bytecode.Opcode;
import dev.whispem.runtime.bytecode.Program;
import dev.whispem.runtime.compiler.FunctionContext.Capture;
import dev.whispem.runtime.compiler.FunctionContext.Kind;
import dev.whispem.runtime.compiler.FunctionContext.Loop;
import dev.whispem.runtime.parser.Expr;
import dev.whispem.runtime.parser.Parser;
import dev.whispem.runtime.parser.Stmt;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Generates bytecode following the conventions of SPEC §15, so that the output is byte-identical to
 * the reference compiler's. The order in which constants, lambdas and chunks are created is
 * observable in the output; comments point at the rule each ordering follows.
 */
public final class Compiler {
    private static final int MAX_COUNT = 255;

    /** Named functions and lambdas by name; a later {@code fn} of the same name wins (§4). */
    private final Map<String, Chunk> functions = new LinkedHashMap<>();

    /** Step 1 of §4 plus top-level {@code let}s compiled so far in main (§5.3). */
    private final Set<String> knownGlobals = new HashSet<>();

    private int lambdaCounter;

    /** Loops enclosing the current statement; lambdas do not reset it (§15.6 quirk). */
    private int loopNesting;

    private Compiler() {}

    /** Parses and compiles a program; throws {@link CompileException} on the first error. */
    public static Program compile(String source) {
        return new Compiler().compileProgram(Parser.parseProgram(source));
    }

    private Program compileProgram(List<Stmt> program) {
        for (Stmt stmt : program) {
            if (stmt instanceof Stmt.Let let) {
                knownGlobals.add(let.name());
            }
        }
        for (Stmt stmt : program) {
            if (stmt instanceof Stmt.FnDecl decl) {
                compileNamedFunction(decl);
            }
        }
        FunctionContext main =
                new FunctionContext(Kind.MAIN, new ChunkBuilder("<main>", 0), null, 0);
        for (Stmt stmt : program) {
            if (!(stmt instanceof Stmt.FnDecl)) {
                statement(main, stmt);
            }
        }
        main.chunk.emit(Opcode.HALT, 0);

        List<Chunk> chunks = new ArrayList<>();
        chunks.add(main.chunk.build());
        functions.values().stream()
                .sorted((a, b) -> compareBytes(a.name(), b.name()))
                .forEach(chunks::add);
        return new Program(chunks);
    }

    /** Chunks are written sorted by the bytes of their names (§15.9). */
    private static int compareBytes(String a, String b) {
        return Arrays.compareUnsigned(
                a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private void compileNamedFunction(Stmt.FnDecl decl) {
        ChunkBuilder chunk = new ChunkBuilder(decl.name(), decl.params().size());
        FunctionContext fn = new FunctionContext(Kind.NAMED, chunk, null, decl.line());
        body(fn, decl.params(), decl.body(), decl.line());
        functions.remove(decl.name());
        functions.put(decl.name(), chunk.build());
    }

    /** Preamble (parameters stored in reverse, §15.4), statements, and the final RETURN_NONE. */
    private void body(FunctionContext fn, List<String> params, List<Stmt> body, int fnLine) {
        fn.locals.addAll(params);
        for (int i = params.size() - 1; i >= 0; i--) {
            emitName(fn, Opcode.STORE, params.get(i));
        }
        for (Stmt stmt : body) {
            statement(fn, stmt);
        }
        fn.line = fnLine;
        emit(fn, Opcode.RETURN_NONE);
    }

    // ---- emission helpers ----------------------------------------------------------------

    private static void emit(FunctionContext fn, int b) {
        fn.chunk.emit(b, fn.line);
    }

    private static void emitName(FunctionContext fn, int opcode, String name) {
        int index = fn.chunk.name(name, fn.line);
        emit(fn, opcode);
        emit(fn, index);
    }

    private static void emitLiteral(FunctionContext fn, Object value) {
        int index = fn.chunk.literal(value, fn.line);
        emit(fn, Opcode.PUSH_CONST);
        emit(fn, index);
    }

    /** Emits a jump with the 0xFFFF placeholder and returns the operand offset to patch. */
    private static int emitJump(FunctionContext fn, int opcode) {
        emit(fn, opcode);
        int operand = fn.chunk.size();
        emit(fn, 0xFF);
        emit(fn, 0xFF);
        return operand;
    }

    private static void emitJumpTo(FunctionContext fn, int opcode, int target) {
        emit(fn, opcode);
        emit(fn, target >> 8);
        emit(fn, target);
    }

    private static void patchHere(FunctionContext fn, int operand) {
        fn.chunk.patch(operand, fn.chunk.size());
    }

    // ---- statements ----------------------------------------------------------------------

    private void statement(FunctionContext fn, Stmt stmt) {
        int saved = fn.line;
        fn.line = stmt.line();
        switch (stmt) {
            case Stmt.Let let -> {
                expression(fn, let.value());
                storeLet(fn, let.name());
            }
            case Stmt.Print print -> {
                expression(fn, print.value());
                emit(fn, Opcode.PRINT);
            }
            case Stmt.If ifStmt -> ifStatement(fn, ifStmt);
            case Stmt.While loop -> whileStatement(fn, loop);
            case Stmt.For loop -> forStatement(fn, loop);
            case Stmt.FnDecl ignored -> {
                // Nested fn statements are parsed and ignored (D5); top-level ones never get here.
            }
            case Stmt.Return ret -> {
                if (ret.value() == null) {
                    emit(fn, Opcode.RETURN_NONE);
                } else {
                    expression(fn, ret.value());
                    emit(fn, Opcode.RETURN);
                }
            }
            case Stmt.Break ignored -> {
                Loop loop = innermostLoop(fn, "break");
                loop.breaks.add(emitJump(fn, Opcode.JUMP));
            }
            case Stmt.Continue ignored -> {
                Loop loop = innermostLoop(fn, "continue");
                if (loop.continueTarget >= 0) {
                    emitJumpTo(fn, Opcode.JUMP, loop.continueTarget);
                } else {
                    loop.continues.add(emitJump(fn, Opcode.JUMP));
                }
            }
            case Stmt.ExprStmt exprStmt -> {
                expression(fn, exprStmt.expr());
                emit(fn, Opcode.POP);
            }
            case Stmt.IndexAssign assign -> {
                // Always by name, even inside functions (§15.3): a local copy is written.
                emitName(fn, Opcode.LOAD, assign.name());
                expression(fn, assign.index());
                expression(fn, assign.value());
                emit(fn, Opcode.SET_INDEX);
                emitName(fn, Opcode.STORE, assign.name());
            }
        }
        fn.line = saved;
    }

    /** Break/continue see only loops of the same chunk (D6). */
    private static Loop innermostLoop(FunctionContext fn, String keyword) {
        Loop loop = fn.loops.peek();
        if (loop == null) {
            throw new CompileException(fn.line, 0, "'" + keyword + "' used outside of a loop");
        }
        return loop;
    }

    /** The target of {@code let} (§5.2): global in main, captured cell if already captured. */
    private void storeLet(FunctionContext fn, String name) {
        switch (fn.kind) {
            case MAIN -> {
                emitName(fn, Opcode.STORE, name);
                knownGlobals.add(name);
            }
            case NAMED -> {
                emitName(fn, Opcode.STORE, name);
                fn.locals.add(name);
            }
            case LAMBDA -> {
                int slot = fn.captureSlot(name);
                if (slot >= 0) {
                    emit(fn, Opcode.STORE_UPVALUE);
                    emit(fn, slot);
                } else {
                    emitName(fn, Opcode.STORE, name);
                    fn.locals.add(name);
                }
            }
        }
    }

    private void block(FunctionContext fn, List<Stmt> statements) {
        for (Stmt stmt : statements) {
            statement(fn, stmt);
        }
    }

    private void ifStatement(FunctionContext fn, Stmt.If stmt) {
        expression(fn, stmt.condition());
        int skipThen = emitJump(fn, Opcode.JUMP_IF_FALSE);
        block(fn, stmt.then());
        if (stmt.otherwise() == null) {
            patchHere(fn, skipThen);
            return;
        }
        int skipElse = emitJump(fn, Opcode.JUMP);
        patchHere(fn, skipThen);
        block(fn, stmt.otherwise());
        patchHere(fn, skipElse);
    }

    private void whileStatement(FunctionContext fn, Stmt.While stmt) {
        int start = fn.chunk.size();
        expression(fn, stmt.condition());
        int exit = emitJump(fn, Opcode.JUMP_IF_FALSE);
        Loop loop = new Loop(start);
        fn.loops.push(loop);
        loopNesting++;
        block(fn, stmt.body());
        loopNesting--;
        fn.loops.pop();
        emitJumpTo(fn, Opcode.JUMP, start);
        patchHere(fn, exit);
        loop.breaks.forEach(operand -> patchHere(fn, operand));
    }

    /** The desugaring of §15.6, with hidden variables named after the loop depth. */
    private void forStatement(FunctionContext fn, Stmt.For stmt) {
        String iter = "__iter_" + loopNesting;
        String idx = "__idx_" + loopNesting;
        expression(fn, stmt.iterable());
        emitName(fn, Opcode.STORE, iter);
        emitLiteral(fn, 0.0);
        emitName(fn, Opcode.STORE, idx);
        int start = fn.chunk.size();
        emitName(fn, Opcode.LOAD, idx);
        emitName(fn, Opcode.LOAD, iter);
        emitCall(fn, "length", 1);
        emit(fn, Opcode.LT);
        int exit = emitJump(fn, Opcode.JUMP_IF_FALSE);
        emitName(fn, Opcode.LOAD, iter);
        emitName(fn, Opcode.LOAD, idx);
        emit(fn, Opcode.GET_INDEX);
        emitName(fn, Opcode.STORE, stmt.variable());

        Loop loop = new Loop(-1);
        fn.loops.push(loop);
        loopNesting++;
        block(fn, stmt.body());
        loopNesting--;
        fn.loops.pop();

        loop.continues.forEach(operand -> patchHere(fn, operand));
        emitName(fn, Opcode.LOAD, idx);
        emitLiteral(fn, 1.0);
        emit(fn, Opcode.ADD);
        emitName(fn, Opcode.STORE, idx);
        emitJumpTo(fn, Opcode.JUMP, start);
        patchHere(fn, exit);
        loop.breaks.forEach(operand -> patchHere(fn, operand));
    }

    // ---- expressions ---------------------------------------------------------------------

    private void expression(FunctionContext fn, Expr expr) {
        switch (expr) {
            case Expr.NumberLit number -> emitLiteral(fn, number.value());
            case Expr.StringLit string -> emitLiteral(fn, string.value());
            case Expr.BoolLit bool -> emit(fn, bool.value() ? Opcode.PUSH_TRUE : Opcode.PUSH_FALSE);
            case Expr.Name name -> load(fn, name.name());
            case Expr.ArrayLit array -> {
                if (array.elements().size() > MAX_COUNT) {
                    throw new CompileException(
                            fn.line, 0, "Too many elements in array literal (max 255)");
                }
                array.elements().forEach(element -> expression(fn, element));
                emit(fn, Opcode.MAKE_ARRAY);
                emit(fn, array.elements().size());
            }
            case Expr.DictLit dict -> {
                if (dict.keys().size() > MAX_COUNT) {
                    throw new CompileException(
                            fn.line, 0, "Too many entries in dict literal (max 255)");
                }
                for (int i = 0; i < dict.keys().size(); i++) {
                    expression(fn, dict.keys().get(i));
                    expression(fn, dict.values().get(i));
                }
                emit(fn, Opcode.MAKE_DICT);
                emit(fn, dict.keys().size());
            }
            case Expr.Index index -> {
                expression(fn, index.target());
                expression(fn, index.index());
                emit(fn, Opcode.GET_INDEX);
            }
            case Expr.Binary binary -> {
                expression(fn, binary.left());
                expression(fn, binary.right());
                emit(fn, binaryOpcode(binary));
            }
            case Expr.Unary unary -> {
                expression(fn, unary.operand());
                emit(fn, unary.negate() ? Opcode.NEG : Opcode.NOT);
            }
            case Expr.Logical logical -> {
                expression(fn, logical.left());
                int end =
                        emitJump(
                                fn,
                                logical.isAnd()
                                        ? Opcode.PEEK_JUMP_IF_FALSE
                                        : Opcode.PEEK_JUMP_IF_TRUE);
                emit(fn, Opcode.POP);
                expression(fn, logical.right());
                patchHere(fn, end);
            }
            case Expr.Call call -> call(fn, call);
            case Expr.Lambda lambda -> lambda(fn, lambda);
        }
    }

    private static int binaryOpcode(Expr.Binary binary) {
        return switch (binary.op()) {
            case ADD -> Opcode.ADD;
            case SUB -> Opcode.SUB;
            case MUL -> Opcode.MUL;
            case DIV -> Opcode.DIV;
            case MOD -> Opcode.MOD;
            case EQ -> Opcode.EQ;
            case NEQ -> Opcode.NEQ;
            case LT -> Opcode.LT;
            case LTE -> Opcode.LTE;
            case GT -> Opcode.GT;
            case GTE -> Opcode.GTE;
        };
    }

    /** Compile-time name resolution of §5.3. */
    private void load(FunctionContext fn, String name) {
        if (fn.kind == Kind.MAIN || fn.locals.contains(name)) {
            emitName(fn, Opcode.LOAD, name);
            return;
        }
        int slot = fn.resolveCapture(name);
        if (slot >= 0) {
            emit(fn, Opcode.LOAD_UPVALUE);
            emit(fn, slot);
        } else if (knownGlobals.contains(name)) {
            emitName(fn, Opcode.LOAD_GLOBAL, name);
        } else {
            emitName(fn, Opcode.LOAD, name);
        }
    }

    /** The callee (expression calls only), arguments and CALL get the call's line (§15.2). */
    private void call(FunctionContext fn, Expr.Call call) {
        int saved = fn.line;
        fn.line = call.line();
        if (call.args().size() > MAX_COUNT) {
            throw new CompileException(fn.line, 0, "Too many arguments in call (max 255)");
        }
        if (call.callee() instanceof Expr.Name name) {
            call.args().forEach(arg -> expression(fn, arg));
            emitCall(fn, name.name(), call.args().size());
        } else {
            expression(fn, call.callee());
            call.args().forEach(arg -> expression(fn, arg));
            emitCall(fn, "__callee__", call.args().size());
        }
        fn.line = saved;
    }

    private static void emitCall(FunctionContext fn, String name, int argc) {
        emitName(fn, Opcode.CALL, name);
        emit(fn, argc);
    }

    /** Compiles the body into its own chunk first, then MAKE_CLOSURE here (§15.3, §15.8). */
    private void lambda(FunctionContext fn, Expr.Lambda lambda) {
        String name = "__lambda_" + lambda.line() + "_" + lambdaCounter++;
        ChunkBuilder chunk = new ChunkBuilder(name, lambda.params().size());
        FunctionContext inner = new FunctionContext(Kind.LAMBDA, chunk, fn, lambda.line());
        body(inner, lambda.params(), lambda.body(), lambda.line());
        functions.put(name, chunk.build());

        int saved = fn.line;
        fn.line = lambda.line();
        emitName(fn, Opcode.MAKE_CLOSURE, name);
        emit(fn, inner.captures.size());
        for (Capture capture : inner.captures) {
            byte[] text =
                    (capture.isLocal() ? capture.name() : Integer.toString(capture.enclosingSlot()))
                            .getBytes(StandardCharsets.UTF_8);
            if (text.length > MAX_COUNT) {
                throw new CompileException(
                        fn.line, 0, "Captured variable name too long (max 255 bytes)");
            }
            emit(fn, capture.isLocal() ? 1 : 0);
            emit(fn, text.length);
            for (byte b : text) {
                emit(fn, b);
            }
        }
        fn.line = saved;
    }
}
