package dev.whispem.runtime.parser;

import dev.whispem.runtime.CompileException;
import dev.whispem.runtime.lexer.FStringPart;
import dev.whispem.runtime.lexer.Lexer;
import dev.whispem.runtime.lexer.Token;
import dev.whispem.runtime.lexer.TokenType;
import java.util.ArrayList;
import java.util.List;

/**
 * Recursive-descent parser for the grammar of SPEC §3. Stops at the first error. Nesting is bounded
 * so that hostile input produces a diagnostic instead of a Java stack overflow.
 */
public final class Parser {
    /** Deeper nesting than any real program; keeps recursion well inside the compile stack. */
    public static final int MAX_DEPTH = 1000;

    private final List<Token> tokens;
    private int pos;
    private int depth;

    private Parser(List<Token> tokens, int depth) {
        this.tokens = tokens;
        this.depth = depth;
    }

    /** Lexes and parses a whole program. */
    public static List<Stmt> parseProgram(String source) {
        Parser parser = new Parser(Lexer.tokenize(source), 0);
        return parser.program();
    }

    private List<Stmt> program() {
        List<Stmt> statements = new ArrayList<>();
        skipNewlines();
        while (peek().type() != TokenType.EOF) {
            statements.add(statement());
            skipNewlines();
        }
        return statements;
    }

    // ---- token helpers -------------------------------------------------------------------

    private Token peek() {
        return tokens.get(pos);
    }

    private Token peekAt(int ahead) {
        int i = Math.min(pos + ahead, tokens.size() - 1);
        return tokens.get(i);
    }

    private boolean check(TokenType type) {
        return peek().type() == type;
    }

    private Token advance() {
        Token token = tokens.get(pos);
        if (token.type() != TokenType.EOF) {
            pos++;
        }
        return token;
    }

    private void skipNewlines() {
        while (check(TokenType.NEWLINE)) {
            advance();
        }
    }

    private Token expect(TokenType type, String what) {
        if (!check(type)) {
            throw error(what, peek());
        }
        return advance();
    }

    private static CompileException error(String expected, Token found) {
        return new CompileException(
                found.line(),
                found.column(),
                "Expected " + expected + ", found " + found.describe());
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            Token at = peek();
            throw new CompileException(
                    at.line(),
                    at.column(),
                    "Nesting too deep (more than " + MAX_DEPTH + " levels)");
        }
    }

    private void leave() {
        depth--;
    }

    // ---- statements ----------------------------------------------------------------------

    private Stmt statement() {
        Token first = peek();
        int line = first.line();
        return switch (first.type()) {
            case LET -> {
                advance();
                String name = expect(TokenType.IDENT, "identifier").text();
                expect(TokenType.ASSIGN, "'='");
                yield new Stmt.Let(line, name, expression());
            }
            case PRINT -> {
                advance();
                yield new Stmt.Print(line, expression());
            }
            case IF -> ifStatement();
            case WHILE -> {
                advance();
                Expr condition = expression();
                yield new Stmt.While(line, condition, block());
            }
            case FOR -> {
                advance();
                String variable = expect(TokenType.IDENT, "identifier").text();
                expect(TokenType.IN, "'in'");
                Expr iterable = expression();
                yield new Stmt.For(line, variable, iterable, block());
            }
            case FN -> {
                if (peekAt(1).type() != TokenType.IDENT) {
                    // A lambda cannot start a statement (SPEC §3.2).
                    throw error("statement", first);
                }
                advance();
                String name = advance().text();
                List<String> params = params();
                yield new Stmt.FnDecl(line, name, params, block());
            }
            case RETURN -> {
                advance();
                TokenType next = peek().type();
                boolean bare =
                        next == TokenType.NEWLINE
                                || next == TokenType.RBRACE
                                || next == TokenType.EOF;
                yield new Stmt.Return(line, bare ? null : expression());
            }
            case BREAK -> {
                advance();
                yield new Stmt.Break(line);
            }
            case CONTINUE -> {
                advance();
                yield new Stmt.Continue(line);
            }
            case EXIT -> {
                advance();
                List<Expr> args = check(TokenType.LPAREN) ? args() : List.of();
                yield new Stmt.ExprStmt(line, new Expr.Call(new Expr.Name("exit"), args, line));
            }
            case ASSERT, WRITE_FILE, READ_FILE, WRITE_HEX, ARGS, MAP, FILTER, REDUCE -> {
                advance();
                List<Expr> args = args();
                Expr callee = new Expr.Name(first.type().spelling());
                yield new Stmt.ExprStmt(line, new Expr.Call(callee, args, line));
            }
            case IDENT -> identifierStatement();
            default -> throw error("statement", first);
        };
    }

    private Stmt ifStatement() {
        Token keyword = advance(); // IF or ELSE_IF
        int line = keyword.line();
        Expr condition = expression();
        List<Stmt> then = block();
        int save = pos;
        skipNewlines();
        if (check(TokenType.ELSE_IF)) {
            return new Stmt.If(line, condition, then, List.of(ifStatement()));
        }
        if (check(TokenType.ELSE)) {
            advance();
            return new Stmt.If(line, condition, then, block());
        }
        pos = save;
        return new Stmt.If(line, condition, then, null);
    }

    private Stmt identifierStatement() {
        Token nameToken = advance();
        int line = nameToken.line();
        Expr.Name name = new Expr.Name(nameToken.text());
        if (check(TokenType.LPAREN)) {
            return new Stmt.ExprStmt(line, new Expr.Call(name, args(), line));
        }
        if (!check(TokenType.LBRACKET)) {
            throw error("'(' or '['", peek());
        }
        advance();
        Expr index = expression();
        expect(TokenType.RBRACKET, "']'");
        if (check(TokenType.ASSIGN)) {
            advance();
            return new Stmt.IndexAssign(line, nameToken.text(), index, expression());
        }
        Expr expr = new Expr.Index(name, index);
        while (true) {
            if (check(TokenType.LPAREN)) {
                expr = new Expr.Call(expr, args(), line);
            } else if (check(TokenType.LBRACKET)) {
                advance();
                Expr next = expression();
                expect(TokenType.RBRACKET, "']'");
                expr = new Expr.Index(expr, next);
            } else {
                return new Stmt.ExprStmt(line, expr);
            }
        }
    }

    private List<Stmt> block() {
        expect(TokenType.LBRACE, "'{'");
        enter();
        List<Stmt> statements = new ArrayList<>();
        skipNewlines();
        while (!check(TokenType.RBRACE)) {
            if (check(TokenType.EOF)) {
                Token eof = peek();
                throw new CompileException(eof.line(), eof.column(), "Unexpected end of file");
            }
            statements.add(statement());
            skipNewlines();
        }
        advance();
        leave();
        return statements;
    }

    private List<String> params() {
        expect(TokenType.LPAREN, "'('");
        List<String> params = new ArrayList<>();
        if (check(TokenType.RPAREN)) {
            advance();
            return params;
        }
        while (true) {
            params.add(expect(TokenType.IDENT, "identifier").text());
            if (check(TokenType.COMMA)) {
                advance();
            } else {
                expect(TokenType.RPAREN, "')'");
                return params;
            }
        }
    }

    private List<Expr> args() {
        expect(TokenType.LPAREN, "'('");
        List<Expr> args = new ArrayList<>();
        if (check(TokenType.RPAREN)) {
            advance();
            return args;
        }
        while (true) {
            args.add(expression());
            if (check(TokenType.COMMA)) {
                advance();
            } else {
                expect(TokenType.RPAREN, "')'");
                return args;
            }
        }
    }

    // ---- expressions ---------------------------------------------------------------------

    private Expr expression() {
        enter();
        Expr result = or();
        leave();
        return result;
    }

    private Expr or() {
        Expr left = and();
        while (check(TokenType.OR)) {
            advance();
            left = new Expr.Logical(false, left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = comparison();
        while (check(TokenType.AND)) {
            advance();
            left = new Expr.Logical(true, left, comparison());
        }
        return left;
    }

    private Expr comparison() {
        Expr left = additive();
        while (true) {
            BinaryOp op =
                    switch (peek().type()) {
                        case EQ -> BinaryOp.EQ;
                        case NEQ -> BinaryOp.NEQ;
                        case LT -> BinaryOp.LT;
                        case LTE -> BinaryOp.LTE;
                        case GT -> BinaryOp.GT;
                        case GTE -> BinaryOp.GTE;
                        default -> null;
                    };
            if (op == null) {
                return left;
            }
            advance();
            left = new Expr.Binary(op, left, additive());
        }
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (check(TokenType.PLUS) || check(TokenType.MINUS)) {
            BinaryOp op = advance().type() == TokenType.PLUS ? BinaryOp.ADD : BinaryOp.SUB;
            left = new Expr.Binary(op, left, multiplicative());
        }
        return left;
    }

    private Expr multiplicative() {
        Expr left = unary();
        while (true) {
            BinaryOp op =
                    switch (peek().type()) {
                        case STAR -> BinaryOp.MUL;
                        case SLASH -> BinaryOp.DIV;
                        case PERCENT -> BinaryOp.MOD;
                        default -> null;
                    };
            if (op == null) {
                return left;
            }
            advance();
            left = new Expr.Binary(op, left, unary());
        }
    }

    private Expr unary() {
        TokenType type = peek().type();
        if (type == TokenType.NOT || type == TokenType.BANG || type == TokenType.MINUS) {
            advance();
            enter();
            Expr operand = unary();
            leave();
            return new Expr.Unary(type == TokenType.MINUS, operand);
        }
        return postfix();
    }

    private Expr postfix() {
        Expr expr = primary();
        while (true) {
            if (check(TokenType.LBRACKET)) {
                advance();
                Expr index = expression();
                expect(TokenType.RBRACKET, "']'");
                expr = new Expr.Index(expr, index);
            } else if (check(TokenType.LPAREN)) {
                int line = peek().line();
                expr = new Expr.Call(expr, args(), line);
            } else {
                return expr;
            }
        }
    }

    private Expr primary() {
        Token token = peek();
        switch (token.type()) {
            case NUMBER -> {
                advance();
                return new Expr.NumberLit(token.number());
            }
            case STRING -> {
                advance();
                return new Expr.StringLit(token.text());
            }
            case FSTRING -> {
                advance();
                return fString(token);
            }
            case TRUE, FALSE -> {
                advance();
                return new Expr.BoolLit(token.type() == TokenType.TRUE);
            }
            case IDENT -> {
                advance();
                return new Expr.Name(token.text());
            }
            case FN -> {
                advance();
                List<String> params = params();
                return new Expr.Lambda(params, block(), token.line());
            }
            case LPAREN -> {
                advance();
                Expr inner = expression();
                expect(TokenType.RPAREN, "')'");
                return inner;
            }
            case LBRACKET -> {
                return arrayLiteral();
            }
            case LBRACE -> {
                return dictLiteral();
            }
            default -> {
                if (token.type().isBuiltinWord()) {
                    advance();
                    return new Expr.Name(token.type().spelling());
                }
                throw error("expression", token);
            }
        }
    }

    private Expr arrayLiteral() {
        advance();
        List<Expr> elements = new ArrayList<>();
        skipNewlines();
        if (check(TokenType.RBRACKET)) {
            advance();
            return new Expr.ArrayLit(elements);
        }
        while (true) {
            elements.add(expression());
            skipNewlines();
            if (check(TokenType.COMMA)) {
                advance();
                skipNewlines();
            } else {
                expect(TokenType.RBRACKET, "']'");
                return new Expr.ArrayLit(elements);
            }
        }
    }

    private Expr dictLiteral() {
        advance();
        List<Expr> keys = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        skipNewlines();
        if (check(TokenType.RBRACE)) {
            advance();
            return new Expr.DictLit(keys, values);
        }
        while (true) {
            keys.add(expression());
            expect(TokenType.COLON, "':'");
            values.add(expression());
            skipNewlines();
            if (check(TokenType.COMMA)) {
                advance();
                skipNewlines();
            } else {
                expect(TokenType.RBRACE, "'}'");
                return new Expr.DictLit(keys, values);
            }
        }
    }

    /** Desugars an f-string into a left fold of {@code +} over its parts (SPEC §2.6). */
    private Expr fString(Token token) {
        Expr result = null;
        for (FStringPart part : token.parts()) {
            Expr piece =
                    switch (part) {
                        case FStringPart.Literal literal -> new Expr.StringLit(literal.text());
                        case FStringPart.Interpolation interpolation ->
                                interpolation(interpolation.source());
                    };
            result = result == null ? piece : new Expr.Binary(BinaryOp.ADD, result, piece);
        }
        return result == null ? new Expr.StringLit("") : result;
    }

    /** Parses one expression of the interpolation text; later tokens are ignored (reference). */
    private Expr interpolation(String source) {
        enter();
        Parser inner = new Parser(Lexer.tokenize(source), depth);
        Expr expr = inner.expression();
        leave();
        return expr;
    }
}
