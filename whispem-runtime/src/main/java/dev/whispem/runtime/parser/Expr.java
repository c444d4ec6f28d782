package dev.whispem.runtime.parser;

import java.util.List;

/** Expression nodes. Only calls and lambdas carry a line: everything else uses its statement's. */
public sealed interface Expr {
    record NumberLit(double value) implements Expr {}

    record StringLit(String value) implements Expr {}

    record BoolLit(boolean value) implements Expr {}

    /** A variable read; builtin words in expression position are names too (SPEC §3.2). */
    record Name(String name) implements Expr {}

    record ArrayLit(List<Expr> elements) implements Expr {}

    record DictLit(List<Expr> keys, List<Expr> values) implements Expr {}

    record Index(Expr target, Expr index) implements Expr {}

    record Binary(BinaryOp op, Expr left, Expr right) implements Expr {}

    /** {@code -x} when {@code negate}, otherwise {@code not x}. */
    record Unary(boolean negate, Expr operand) implements Expr {}

    /** Short-circuit {@code and} / {@code or}; the result is an operand, not a bool. */
    record Logical(boolean isAnd, Expr left, Expr right) implements Expr {}

    /**
     * A call; {@code line} is the line of its {@code (}. It is a named call exactly when the callee
     * is a {@link Name}.
     */
    record Call(Expr callee, List<Expr> args, int line) implements Expr {}

    /** {@code fn(params) { body }}; {@code line} is the line of {@code fn}. */
    record Lambda(List<String> params, List<Stmt> body, int line) implements Expr {}
}
