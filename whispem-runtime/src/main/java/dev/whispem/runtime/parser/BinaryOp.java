package dev.whispem.runtime.parser;

/** Binary operators that compile to a single instruction. */
public enum BinaryOp {
    ADD,
    SUB,
    MUL,
    DIV,
    MOD,
    EQ,
    NEQ,
    LT,
    LTE,
    GT,
    GTE
}
