package dev.whispem.runtime.bytecode;

/** Opcode bytes of SPEC §13 and the shape of their operands. */
public final class Opcode {
    public static final int PUSH_CONST = 0x00;
    public static final int PUSH_TRUE = 0x01;
    public static final int PUSH_FALSE = 0x02;
    public static final int PUSH_NONE = 0x03;
    public static final int LOAD = 0x10;
    public static final int STORE = 0x11;
    public static final int LOAD_GLOBAL = 0x12;
    public static final int LOAD_UPVALUE = 0x13;
    public static final int STORE_UPVALUE = 0x14;
    public static final int CLOSE_UPVALUE = 0x15;
    public static final int ADD = 0x20;
    public static final int SUB = 0x21;
    public static final int MUL = 0x22;
    public static final int DIV = 0x23;
    public static final int MOD = 0x24;
    public static final int NEG = 0x25;
    public static final int EQ = 0x30;
    public static final int NEQ = 0x31;
    public static final int LT = 0x32;
    public static final int LTE = 0x33;
    public static final int GT = 0x34;
    public static final int GTE = 0x35;
    public static final int NOT = 0x36;
    public static final int JUMP = 0x40;
    public static final int JUMP_IF_FALSE = 0x41;
    public static final int JUMP_IF_TRUE = 0x42;
    public static final int PEEK_JUMP_IF_FALSE = 0x43;
    public static final int PEEK_JUMP_IF_TRUE = 0x44;
    public static final int CALL = 0x50;
    public static final int RETURN = 0x51;
    public static final int RETURN_NONE = 0x52;
    public static final int MAKE_CLOSURE = 0x53;
    public static final int MAKE_ARRAY = 0x60;
    public static final int MAKE_DICT = 0x61;
    public static final int GET_INDEX = 0x62;
    public static final int SET_INDEX = 0x63;
    public static final int PRINT = 0x70;
    public static final int POP = 0x71;
    public static final int HALT = 0xFF;

    /** How the bytes after an opcode are laid out. */
    public enum Shape {
        NONE,
        CONSTANT,
        /** a u8 that is a slot or count, not a constant index */
        BYTE,
        JUMP,
        CALL,
        CLOSURE
    }

    private static final String[] NAMES = new String[256];
    private static final Shape[] SHAPES = new Shape[256];

    static {
        define(PUSH_CONST, "PUSH_CONST", Shape.CONSTANT);
        define(PUSH_TRUE, "PUSH_TRUE", Shape.NONE);
        define(PUSH_FALSE, "PUSH_FALSE", Shape.NONE);
        define(PUSH_NONE, "PUSH_NONE", Shape.NONE);
        define(LOAD, "LOAD", Shape.CONSTANT);
        define(STORE, "STORE", Shape.CONSTANT);
        define(LOAD_GLOBAL, "LOAD_GLOBAL", Shape.CONSTANT);
        define(LOAD_UPVALUE, "LOAD_UPVALUE", Shape.BYTE);
        define(STORE_UPVALUE, "STORE_UPVALUE", Shape.BYTE);
        define(CLOSE_UPVALUE, "CLOSE_UPVALUE", Shape.BYTE);
        define(ADD, "ADD", Shape.NONE);
        define(SUB, "SUB", Shape.NONE);
        define(MUL, "MUL", Shape.NONE);
        define(DIV, "DIV", Shape.NONE);
        define(MOD, "MOD", Shape.NONE);
        define(NEG, "NEG", Shape.NONE);
        define(EQ, "EQ", Shape.NONE);
        define(NEQ, "NEQ", Shape.NONE);
        define(LT, "LT", Shape.NONE);
        define(LTE, "LTE", Shape.NONE);
        define(GT, "GT", Shape.NONE);
        define(GTE, "GTE", Shape.NONE);
        define(NOT, "NOT", Shape.NONE);
        define(JUMP, "JUMP", Shape.JUMP);
        define(JUMP_IF_FALSE, "JUMP_IF_FALSE", Shape.JUMP);
        define(JUMP_IF_TRUE, "JUMP_IF_TRUE", Shape.JUMP);
        define(PEEK_JUMP_IF_FALSE, "PEEK_JUMP_IF_FALSE", Shape.JUMP);
        define(PEEK_JUMP_IF_TRUE, "PEEK_JUMP_IF_TRUE", Shape.JUMP);
        define(CALL, "CALL", Shape.CALL);
        define(RETURN, "RETURN", Shape.NONE);
        define(RETURN_NONE, "RETURN_NONE", Shape.NONE);
        define(MAKE_CLOSURE, "MAKE_CLOSURE", Shape.CLOSURE);
        define(MAKE_ARRAY, "MAKE_ARRAY", Shape.BYTE);
        define(MAKE_DICT, "MAKE_DICT", Shape.BYTE);
        define(GET_INDEX, "GET_INDEX", Shape.NONE);
        define(SET_INDEX, "SET_INDEX", Shape.NONE);
        define(PRINT, "PRINT", Shape.NONE);
        define(POP, "POP", Shape.NONE);
        define(HALT, "HALT", Shape.NONE);
    }

    private Opcode() {}

    private static void define(int code, String name, Shape shape) {
        NAMES[code] = name;
        SHAPES[code] = shape;
    }

    /** The mnemonic, or null for a byte that is not an opcode. */
    public static String name(int code) {
        return NAMES[code & 0xFF];
    }

    /** The operand layout, or null for a byte that is not an opcode. */
    public static Shape shape(int code) {
        return SHAPES[code & 0xFF];
    }
}
