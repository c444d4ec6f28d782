package dev.whispem.runtime.vm;

import dev.whispem.runtime.bytecode.Chunk;
import dev.whispem.runtime.bytecode.Opcode;
import dev.whispem.runtime.bytecode.Program;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dispatch loop of SPEC §13-§14. Frames live in a list on the heap, so Whispem recursion does
 * not consume the Java stack; only map/filter/reduce callbacks re-enter the loop.
 */
final class Interpreter {
    static final int MAX_CALL_DEPTH = 200_000;
    static final int MAX_CALLBACK_NESTING = 2_000;
    static final int STACK_SLOTS = 1 << 20;

    private final Map<String, Chunk> chunks = new HashMap<>();
    private final Map<Chunk, Object[]> constantArrays = new IdentityHashMap<>();
    private final Map<String, Object> globals = new HashMap<>();
    private final Map<String, NativeFunction> natives;
    private final ArrayList<Frame> frames = new ArrayList<>();
    private Object[] stack = new Object[256];
    private int sp;
    private int callbackNesting;
    private long budget;

    final Builtins builtins;

    Interpreter(
            List<String> args, InputStream stdin, OutputStream stdout, WhispemVm.Options options) {
        this.natives = options.natives();
        this.builtins = new Builtins(this, args, stdin, stdout, options.fileAccess());
        this.budget =
                options.instructionBudget() <= 0 ? Long.MAX_VALUE : options.instructionBudget();
    }

    /** Charges work proportional to a size against the budget (see WhispemVm.Options). */
    void charge(long units) {
        budget -= units;
        if (budget < 0) {
            throw budgetExhausted();
        }
    }

    private static WhispemError budgetExhausted() {
        return new WhispemError(WhispemError.NO_LINE, "Instruction budget exhausted");
    }

    /** Adds the chunks of a program; later chunks with the same name replace earlier ones. */
    void load(Program program) {
        for (int i = 1; i < program.chunks().size(); i++) {
            Chunk chunk = program.chunks().get(i);
            chunks.put(chunk.name(), chunk);
        }
    }

    /** Runs a main chunk to completion with the current globals (the REPL keeps them). */
    void runMain(Chunk main) {
        frames.clear();
        sp = 0;
        callbackNesting = 0;
        frames.add(newFrame(main, Frame.NO_CELLS, true));
        try {
            execute(0);
        } catch (Signals.Halt halt) {
            // normal end
        }
    }

    void flush() {
        builtins.flush();
    }

    private Frame newFrame(Chunk chunk, Cell[] cells, boolean isMain) {
        Object[] constants = constantArrays.computeIfAbsent(chunk, c -> c.constants().toArray());
        return new Frame(chunk, constants, cells, isMain);
    }

    // ---- value stack ---------------------------------------------------------------------

    private void push(Object value) {
        if (sp == stack.length) {
            if (sp >= STACK_SLOTS) {
                throw new WhispemError(
                        currentLine(),
                        "Stack overflow: value stack exceeds " + STACK_SLOTS + " slots");
            }
            stack = Arrays.copyOf(stack, Math.min(stack.length * 2, STACK_SLOTS));
        }
        stack[sp++] = value;
    }

    private Object pop() {
        if (sp == 0) {
            throw underflow();
        }
        Object value = stack[--sp];
        stack[sp] = null;
        return value;
    }

    private Object peek() {
        if (sp == 0) {
            throw underflow();
        }
        return stack[sp - 1];
    }

    private static WhispemError underflow() {
        return new WhispemError(WhispemError.NO_LINE, "Internal error: stack underflow");
    }

    private Object[] popArgs(int count) {
        if (sp < count) {
            throw underflow();
        }
        Object[] args = Arrays.copyOfRange(stack, sp - count, sp);
        Arrays.fill(stack, sp - count, sp, null);
        sp -= count;
        return args;
    }

    private long currentLine() {
        return frames.isEmpty() ? WhispemError.NO_LINE : frames.getLast().currentLine();
    }

    // ---- variables (SPEC §14.2) ----------------------------------------------------------

    /** LOAD without the error: open cell, then locals (not in main), then globals; else null. */
    private Object lookup(Frame frame, String name) {
        Cell cell = frame.openCell(name);
        if (cell != null) {
            return cell.value;
        }
        if (!frame.isMain) {
            Object local = frame.local(name);
            if (local != null) {
                return local;
            }
        }
        return globals.get(name);
    }

    private void store(Frame frame, String name, Object value) {
        Cell cell = frame.openCell(name);
        if (cell != null) {
            cell.value = value;
        }
        if (frame.isMain) {
            globals.put(name, value);
        } else {
            frame.setLocal(name, value);
        }
    }

    // ---- dispatch ------------------------------------------------------------------------

    /** Runs until the frame count drops back to {@code stopDepth}; returns the last result. */
    private Object execute(int stopDepth) {
        Frame f = frames.getLast();
        byte[] code = f.code;
        while (true) {
            if (f.ip >= code.length) {
                throw new WhispemError(
                        WhispemError.NO_LINE,
                        "Invalid bytecode: execution ran past the end of chunk '"
                                + f.chunk.name()
                                + "'");
            }
            if (--budget < 0) {
                throw budgetExhausted();
            }
            int op = code[f.ip++] & 0xFF;
            switch (op) {
                case Opcode.PUSH_CONST -> push(f.constants[code[f.ip++] & 0xFF]);
                case Opcode.PUSH_TRUE -> push(Boolean.TRUE);
                case Opcode.PUSH_FALSE -> push(Boolean.FALSE);
                case Opcode.PUSH_NONE -> push(NoneValue.NONE);
                case Opcode.LOAD -> {
                    String name = (String) f.constants[code[f.ip++] & 0xFF];
                    Object value = lookup(f, name);
                    if (value == null) {
                        throw undefinedVariable(f, name);
                    }
                    push(value);
                }
                case Opcode.STORE -> {
                    String name = (String) f.constants[code[f.ip++] & 0xFF];
                    store(f, name, pop());
                }
                case Opcode.LOAD_GLOBAL -> {
                    String name = (String) f.constants[code[f.ip++] & 0xFF];
                    Object value = globals.get(name);
                    if (value == null) {
                        throw undefinedVariable(f, name);
                    }
                    push(value);
                }
                case Opcode.LOAD_UPVALUE -> push(cell(f, code[f.ip++] & 0xFF).value);
                case Opcode.STORE_UPVALUE -> {
                    Cell cell = cell(f, code[f.ip++] & 0xFF);
                    cell.value = pop();
                }
                case Opcode.CLOSE_UPVALUE -> f.ip++;
                case Opcode.ADD -> {
                    Object b = pop();
                    Object a = pop();
                    Object sum = Operators.add(a, b, f.currentLine());
                    if (sum instanceof String text) {
                        charge(text.length());
                    }
                    push(sum);
                }
                case Opcode.SUB, Opcode.MUL, Opcode.DIV, Opcode.MOD -> {
                    Object b = pop();
                    Object a = pop();
                    push(Operators.arithmetic(op, a, b, f.currentLine()));
                }
                case Opcode.NEG -> {
                    Object a = pop();
                    if (!(a instanceof Double d)) {
                        throw new WhispemError(
                                f.currentLine(),
                                "Type error: expected number, found " + Values.typeName(a));
                    }
                    push(-d);
                }
                case Opcode.EQ -> {
                    Object b = pop();
                    push(Values.equal(pop(), b));
                }
                case Opcode.NEQ -> {
                    Object b = pop();
                    push(!Values.equal(pop(), b));
                }
                case Opcode.LT, Opcode.LTE, Opcode.GT, Opcode.GTE -> {
                    Object b = pop();
                    Object a = pop();
                    push(Operators.compare(op, a, b, f.currentLine()));
                }
                case Opcode.NOT -> push(!Values.truthy(pop()));
                case Opcode.JUMP -> f.ip = jumpTarget(code, f.ip);
                case Opcode.JUMP_IF_FALSE -> {
                    int target = jumpTarget(code, f.ip);
                    f.ip += 2;
                    if (!Values.truthy(pop())) {
                        f.ip = target;
                    }
                }
                case Opcode.JUMP_IF_TRUE -> {
                    int target = jumpTarget(code, f.ip);
                    f.ip += 2;
                    if (Values.truthy(pop())) {
                        f.ip = target;
                    }
                }
                case Opcode.PEEK_JUMP_IF_FALSE -> {
                    int target = jumpTarget(code, f.ip);
                    f.ip += 2;
                    if (!Values.truthy(peek())) {
                        f.ip = target;
                    }
                }
                case Opcode.PEEK_JUMP_IF_TRUE -> {
                    int target = jumpTarget(code, f.ip);
                    f.ip += 2;
                    if (Values.truthy(peek())) {
                        f.ip = target;
                    }
                }
                case Opcode.CALL -> {
                    String name = (String) f.constants[code[f.ip] & 0xFF];
                    int argc = code[f.ip + 1] & 0xFF;
                    f.ip += 2;
                    if (call(f, name, argc)) {
                        f = frames.getLast();
                        code = f.code;
                    }
                }
                case Opcode.RETURN, Opcode.RETURN_NONE -> {
                    Object result = op == Opcode.RETURN ? pop() : NoneValue.NONE;
                    if (f.isMain) {
                        throw new Signals.Halt(); // D2: return at top level ends the program
                    }
                    frames.removeLast();
                    if (frames.size() == stopDepth) {
                        return result;
                    }
                    push(result);
                    f = frames.getLast();
                    code = f.code;
                }
                case Opcode.MAKE_CLOSURE -> push(makeClosure(f));
                case Opcode.MAKE_ARRAY -> {
                    int count = code[f.ip++] & 0xFF;
                    push(new WArray(popArgs(count)));
                }
                case Opcode.MAKE_DICT -> push(makeDict(f, code[f.ip++] & 0xFF));
                case Opcode.GET_INDEX -> {
                    Object index = pop();
                    Object target = pop();
                    push(Operators.getIndex(target, index, f.currentLine()));
                }
                case Opcode.SET_INDEX -> {
                    Object value = pop();
                    Object index = pop();
                    Object target = pop();
                    if (target instanceof WArray array) {
                        charge(array.size());
                    } else if (target instanceof WDict dict) {
                        charge(dict.size());
                    }
                    push(Operators.setIndex(target, index, value, f.currentLine()));
                }
                case Opcode.PRINT -> builtins.printLine(Values.print(pop()));
                case Opcode.POP -> pop();
                case Opcode.HALT -> throw new Signals.Halt();
                default ->
                        throw new WhispemError(
                                f.currentLine(),
                                String.format("Internal error: unknown opcode 0x%02X", op));
            }
        }
    }

    private static int jumpTarget(byte[] code, int at) {
        return ((code[at] & 0xFF) << 8) | (code[at + 1] & 0xFF);
    }

    private WhispemError undefinedVariable(Frame f, String name) {
        return new WhispemError(f.currentLine(), "Undefined variable: '" + name + "'");
    }

    private static Cell cell(Frame f, int slot) {
        if (slot >= f.cells.length) {
            throw new WhispemError(
                    WhispemError.NO_LINE,
                    "Internal error: upvalue in invalid state: upvalue slot "
                            + slot
                            + " out of range");
        }
        return f.cells[slot];
    }

    private WDict makeDict(Frame f, int pairs) {
        Object[] items = popArgs(pairs * 2);
        Map<String, Object> entries = new HashMap<>();
        for (int i = 0; i < items.length; i += 2) {
            String key = Values.toKey(items[i]);
            if (key == null) {
                throw new WhispemError(
                        f.currentLine(),
                        "Type error: expected string or number (as dict key), found "
                                + Values.typeName(items[i]));
            }
            entries.put(key, items[i + 1]);
        }
        return new WDict(entries);
    }

    /** SPEC §14.6. The verifier guarantees the descriptors lie inside the code. */
    private Closure makeClosure(Frame f) {
        byte[] code = f.code;
        String name = (String) f.constants[code[f.ip] & 0xFF];
        int count = code[f.ip + 1] & 0xFF;
        f.ip += 2;
        Chunk chunk = chunks.get(name);
        if (chunk == null) {
            throw new WhispemError(f.currentLine(), "Undefined function: '" + name + "'");
        }
        Cell[] cells = new Cell[count];
        for (int i = 0; i < count; i++) {
            boolean isLocal = code[f.ip] != 0;
            int length = code[f.ip + 1] & 0xFF;
            String text = new String(code, f.ip + 2, length, StandardCharsets.UTF_8);
            f.ip += 2 + length;
            if (isLocal) {
                Cell cell = f.openCell(text);
                if (cell == null) {
                    Object current = lookup(f, text);
                    cell = new Cell(current == null ? NoneValue.NONE : current);
                    f.addOpenCell(text, cell);
                }
                cells[i] = cell;
            } else {
                int slot = parseSlot(text);
                if (slot < 0 || slot >= f.cells.length) {
                    throw new WhispemError(
                            WhispemError.NO_LINE,
                            "Internal error: upvalue in invalid state: parent upvalue slot "
                                    + text
                                    + " out of range");
                }
                cells[i] = f.cells[slot];
            }
        }
        return new Closure(chunk, cells);
    }

    private static int parseSlot(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(Character::isDigit)) {
            return -1;
        }
        return Integer.parseInt(text);
    }

    // ---- calls (SPEC §14.4) --------------------------------------------------------------

    /** Performs CALL; returns true when a new frame was pushed. */
    private boolean call(Frame f, String name, int argc) {
        long line = f.currentLine();
        if (name.equals("__callee__")) {
            if (sp < argc + 1) {
                throw underflow();
            }
            Object callee = stack[sp - argc - 1];
            if (!(callee instanceof Closure closure)) {
                throw new WhispemError(
                        line, "Type error: expected function, found " + Values.typeName(callee));
            }
            System.arraycopy(stack, sp - argc, stack, sp - argc - 1, argc);
            stack[--sp] = null;
            enter(closure.chunk, closure.cells, argc, closure.name(), line);
            return true;
        }
        if (Builtins.isBuiltin(name)) {
            Object[] args = popArgs(argc);
            push(builtins.call(name, args, line));
            return false;
        }
        if (lookup(f, name) instanceof Closure closure) {
            enter(closure.chunk, closure.cells, argc, closure.name(), line);
            return true;
        }
        Chunk chunk = chunks.get(name);
        if (chunk != null) {
            enter(chunk, Frame.NO_CELLS, argc, name, line);
            return true;
        }
        // Host functions (extensions such as kv_*) come last, after everything a Whispem 6
        // program can define, so they never change the meaning of such a program.
        NativeFunction nativeFunction = natives.get(name);
        if (nativeFunction != null) {
            Object[] args = popArgs(argc);
            push(callNative(nativeFunction, args, line));
            return false;
        }
        throw new WhispemError(line, "Undefined function: '" + name + "'");
    }

    private static Object callNative(NativeFunction function, Object[] args, long line) {
        try {
            Object result = function.call(List.of(args));
            return result == null ? NoneValue.NONE : result;
        } catch (WhispemError e) {
            if (e.line() == WhispemError.NO_LINE) {
                throw new WhispemError(line, e.getMessage());
            }
            throw e;
        }
    }

    /** Arity check and frame push; the arguments stay on the stack for the preamble. */
    private void enter(Chunk chunk, Cell[] cells, int argc, String displayName, long line) {
        if (argc != chunk.paramCount()) {
            throw arity(displayName, chunk.paramCount(), argc, line);
        }
        if (frames.size() >= MAX_CALL_DEPTH) {
            throw new WhispemError(line, "Stack overflow: call depth exceeds " + MAX_CALL_DEPTH);
        }
        frames.add(newFrame(chunk, cells, false));
    }

    static WhispemError arity(String name, int expected, int got, long line) {
        return new WhispemError(
                line,
                "Function '"
                        + name
                        + "' expected "
                        + expected
                        + (expected == 1 ? " argument" : " arguments")
                        + ", got "
                        + got);
    }

    /** Runs a function value synchronously for map/filter/reduce (SPEC §14.5). */
    Object invoke(Object function, Object[] args, long line) {
        if (!(function instanceof Closure closure)) {
            throw new WhispemError(
                    line, "Type error: expected function, found " + Values.typeName(function));
        }
        if (callbackNesting >= MAX_CALLBACK_NESTING) {
            throw new WhispemError(
                    line,
                    "Stack overflow: map/filter/reduce nesting exceeds " + MAX_CALLBACK_NESTING);
        }
        for (Object arg : args) {
            push(arg);
        }
        enter(closure.chunk, closure.cells, args.length, closure.name(), line);
        callbackNesting++;
        Object result = execute(frames.size() - 1);
        callbackNesting--;
        return result;
    }
}
