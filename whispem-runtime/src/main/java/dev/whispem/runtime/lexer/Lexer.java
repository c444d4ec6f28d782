package dev.whispem.runtime.lexer;

import dev.whispem.runtime.CompileException;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns source text into tokens (SPEC §2). Works on code points so that columns count Unicode
 * scalar values, as the reference does.
 */
public final class Lexer {
    private final int[] chars;
    private int pos;
    private int line = 1;
    private int column = 1;
    private final List<Token> tokens = new ArrayList<>();

    private Lexer(String source) {
        this.chars = source.codePoints().toArray();
    }

    /** Lexes the whole text; the last token is always EOF. */
    public static List<Token> tokenize(String source) {
        Lexer lexer = new Lexer(source);
        lexer.run();
        return lexer.tokens;
    }

    private void run() {
        while (pos < chars.length) {
            int c = chars[pos];
            int startLine = line;
            int startColumn = column;
            if (c == ' ' || c == '\t' || c == '\r') {
                advance();
            } else if (c == '\n') {
                advance();
                add(TokenType.NEWLINE, null, 0, null, startLine, startColumn);
            } else if (c == '#') {
                while (pos < chars.length && chars[pos] != '\n') {
                    advance();
                }
            } else if (c == 'f' && peek(1) == '"') {
                lexFString(startLine, startColumn);
            } else if (c == '"') {
                lexString(startLine, startColumn);
            } else if (c >= '0' && c <= '9') {
                lexNumber(startLine, startColumn);
            } else if (c == '_' || Character.isAlphabetic(c)) {
                lexWord(startLine, startColumn);
            } else {
                lexPunctuation(c, startLine, startColumn);
            }
        }
        add(TokenType.EOF, null, 0, null, line, column);
    }

    private int peek(int ahead) {
        int i = pos + ahead;
        return i < chars.length ? chars[i] : -1;
    }

    private int advance() {
        int c = chars[pos++];
        if (c == '\n') {
            line++;
            column = 1;
        } else {
            column++;
        }
        return c;
    }

    private void add(
            TokenType type,
            String text,
            double number,
            List<FStringPart> parts,
            int tokenLine,
            int tokenColumn) {
        if (type == TokenType.IF) {
            if (mergeElseIf()) {
                return;
            }
        }
        tokens.add(new Token(type, text, number, parts, tokenLine, tokenColumn));
    }

    /**
     * {@code else} NEWLINE* {@code if} becomes one ELSE_IF token at the {@code else} (SPEC §2.2).
     */
    private boolean mergeElseIf() {
        int i = tokens.size() - 1;
        while (i >= 0 && tokens.get(i).type() == TokenType.NEWLINE) {
            i--;
        }
        if (i >= 0 && tokens.get(i).type() == TokenType.ELSE) {
            Token elseToken = tokens.get(i);
            while (tokens.size() > i) {
                tokens.removeLast();
            }
            tokens.add(
                    new Token(
                            TokenType.ELSE_IF,
                            null,
                            0,
                            null,
                            elseToken.line(),
                            elseToken.column()));
            return true;
        }
        return false;
    }

    private static boolean isIdentifierPart(int c) {
        if (c == '_' || Character.isAlphabetic(c)) {
            return true;
        }
        int type = Character.getType(c);
        return type == Character.DECIMAL_DIGIT_NUMBER
                || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    private void lexWord(int startLine, int startColumn) {
        int start = pos;
        while (pos < chars.length && isIdentifierPart(chars[pos])) {
            advance();
        }
        String word = new String(chars, start, pos - start);
        TokenType keyword = TokenType.word(word);
        if (keyword != null) {
            add(keyword, word, 0, null, startLine, startColumn);
        } else {
            add(TokenType.IDENT, word, 0, null, startLine, startColumn);
        }
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private void lexNumber(int startLine, int startColumn) {
        int start = pos;
        while (pos < chars.length && isDigit(chars[pos])) {
            advance();
        }
        if (peek(0) == '.' && isDigit(peek(1))) {
            advance();
            while (pos < chars.length && isDigit(chars[pos])) {
                advance();
            }
        }
        String text = new String(chars, start, pos - start);
        add(TokenType.NUMBER, text, Double.parseDouble(text), null, startLine, startColumn);
    }

    private void lexString(int startLine, int startColumn) {
        advance(); // opening quote
        StringBuilder value = new StringBuilder();
        while (true) {
            if (pos >= chars.length || chars[pos] == '\n') {
                throw new CompileException(startLine, startColumn, "Unterminated string literal");
            }
            int c = advance();
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                if (pos >= chars.length) {
                    throw new CompileException(
                            startLine, startColumn, "Unterminated string literal");
                }
                appendEscape(value, advance(), false);
            } else {
                value.appendCodePoint(c);
            }
        }
        add(TokenType.STRING, value.toString(), 0, null, startLine, startColumn);
    }

    private static void appendEscape(StringBuilder out, int c, boolean braces) {
        switch (c) {
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'r' -> out.append('\r');
            case '\\' -> out.append('\\');
            case '"' -> out.append('"');
            default -> {
                if (braces && (c == '{' || c == '}')) {
                    out.appendCodePoint(c);
                } else {
                    out.append('\\').appendCodePoint(c);
                }
            }
        }
    }

    private void lexFString(int startLine, int startColumn) {
        advance(); // f
        advance(); // opening quote
        List<FStringPart> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        while (true) {
            if (pos >= chars.length || chars[pos] == '\n') {
                throw new CompileException(startLine, startColumn, "Unterminated string literal");
            }
            int c = advance();
            if (c == '"') {
                break;
            }
            if (c == '\\') {
                if (pos >= chars.length) {
                    throw new CompileException(
                            startLine, startColumn, "Unterminated string literal");
                }
                appendEscape(literal, advance(), true);
            } else if (c == '{') {
                if (!literal.isEmpty()) {
                    parts.add(new FStringPart.Literal(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(new FStringPart.Interpolation(readInterpolation(startLine, startColumn)));
            } else {
                literal.appendCodePoint(c);
            }
        }
        if (!literal.isEmpty()) {
            parts.add(new FStringPart.Literal(literal.toString()));
        }
        add(TokenType.FSTRING, null, 0, List.copyOf(parts), startLine, startColumn);
    }

    /** Raw text up to the matching brace; quotes do not protect braces (SPEC §2.6). */
    private String readInterpolation(int startLine, int startColumn) {
        int start = pos;
        int depth = 1;
        while (true) {
            if (pos >= chars.length) {
                throw new CompileException(startLine, startColumn, "Unterminated string literal");
            }
            int c = chars[pos];
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
                if (depth == 0) {
                    String text = new String(chars, start, pos - start);
                    advance();
                    return text;
                }
            }
            advance();
        }
    }

    private void lexPunctuation(int c, int startLine, int startColumn) {
        advance();
        TokenType type =
                switch (c) {
                    case '+' -> TokenType.PLUS;
                    case '-' -> TokenType.MINUS;
                    case '*' -> TokenType.STAR;
                    case '/' -> TokenType.SLASH;
                    case '%' -> TokenType.PERCENT;
                    case '(' -> TokenType.LPAREN;
                    case ')' -> TokenType.RPAREN;
                    case '{' -> TokenType.LBRACE;
                    case '}' -> TokenType.RBRACE;
                    case '[' -> TokenType.LBRACKET;
                    case ']' -> TokenType.RBRACKET;
                    case ',' -> TokenType.COMMA;
                    case ':' -> TokenType.COLON;
                    case '=' -> matchNext('=') ? TokenType.EQ : TokenType.ASSIGN;
                    case '!' -> matchNext('=') ? TokenType.NEQ : TokenType.BANG;
                    case '<' -> matchNext('=') ? TokenType.LTE : TokenType.LT;
                    case '>' -> matchNext('=') ? TokenType.GTE : TokenType.GT;
                    default ->
                            throw new CompileException(
                                    startLine,
                                    startColumn,
                                    "Unexpected character: '" + Character.toString(c) + "'");
                };
        add(type, null, 0, null, startLine, startColumn);
    }

    private boolean matchNext(int expected) {
        if (peek(0) == expected) {
            advance();
            return true;
        }
        return false;
    }
}
