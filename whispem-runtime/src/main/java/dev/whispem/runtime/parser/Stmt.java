package dev.whispem.runtime.parser;

import java.util.List;

/** Statement nodes; {@code line} is the line of the first token (SPEC §15.2). */
public sealed interface Stmt {
    int line();

    record Let(int line, String name, Expr value) implements Stmt {}

    record Print(int line, Expr value) implements Stmt {}

    /** {@code otherwise} is null without else; an else-if is a single nested {@link If}. */
    record If(int line, Expr condition, List<Stmt> then, List<Stmt> otherwise) implements Stmt {}

    record While(int line, Expr condition, List<Stmt> body) implements Stmt {}

    record For(int line, String variable, Expr iterable, List<Stmt> body) implements Stmt {}

    record FnDecl(int line, String name, List<String> params, List<Stmt> body) implements Stmt {}

    /** {@code value} is null for a bare {@code return}. */
    record Return(int line, Expr value) implements Stmt {}

    record Break(int line) implements Stmt {}

    record Continue(int line) implements Stmt {}

    /** A call or index chain evaluated for its effect; the value is popped. */
    record ExprStmt(int line, Expr expr) implements Stmt {}

    /** {@code name[index] = value}, only on a plain variable (SPEC §3.2). */
    record IndexAssign(int line, String name, Expr index, Expr value) implements Stmt {}
}
