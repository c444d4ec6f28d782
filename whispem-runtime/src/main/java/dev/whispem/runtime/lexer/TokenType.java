package dev.whispem.runtime.lexer;

import java.util.HashMap;
import java.util.Map;

/** Token kinds. Keywords and builtin words carry their spelling for error messages (SPEC §10). */
public enum TokenType {
    NUMBER(null),
    STRING(null),
    FSTRING(null),
    IDENT(null),
    NEWLINE(null),
    EOF(null),
    // statement/operator words
    LET("let"),
    PRINT("print"),
    IF("if"),
    ELSE("else"),
    ELSE_IF("else if"),
    WHILE("while"),
    FOR("for"),
    IN("in"),
    AND("and"),
    OR("or"),
    NOT("not"),
    FN("fn"),
    RETURN("return"),
    BREAK("break"),
    CONTINUE("continue"),
    TRUE("true"),
    FALSE("false"),
    // reserved builtin names (SPEC §2.2)
    ASSERT("assert"),
    TYPE_OF("type_of"),
    EXIT("exit"),
    MAP("map"),
    FILTER("filter"),
    REDUCE("reduce"),
    LENGTH("length"),
    PUSH("push"),
    POP("pop"),
    REVERSE("reverse"),
    SLICE("slice"),
    RANGE("range"),
    INPUT("input"),
    READ_FILE("read_file"),
    WRITE_FILE("write_file"),
    KEYS("keys"),
    VALUES("values"),
    HAS_KEY("has_key"),
    CHAR_AT("char_at"),
    SUBSTR("substr"),
    ORD("ord"),
    NUM_TO_STR("num_to_str"),
    STR_TO_NUM("str_to_num"),
    ARGS("args"),
    WRITE_HEX("write_hex"),
    // punctuation
    PLUS("+"),
    MINUS("-"),
    STAR("*"),
    SLASH("/"),
    PERCENT("%"),
    ASSIGN("="),
    EQ("=="),
    BANG("!"),
    NEQ("!="),
    LT("<"),
    LTE("<="),
    GT(">"),
    GTE(">="),
    LPAREN("("),
    RPAREN(")"),
    LBRACE("{"),
    RBRACE("}"),
    LBRACKET("["),
    RBRACKET("]"),
    COMMA(","),
    COLON(":");

    private static final Map<String, TokenType> WORDS = new HashMap<>();

    static {
        for (TokenType t : values()) {
            if (t.spelling != null && Character.isLetter(t.spelling.charAt(0)) && t != ELSE_IF) {
                WORDS.put(t.spelling, t);
            }
        }
    }

    private final String spelling;

    TokenType(String spelling) {
        this.spelling = spelling;
    }

    /** The fixed spelling of a keyword or punctuation token, or null for tokens with a payload. */
    public String spelling() {
        return spelling;
    }

    /** The keyword or reserved builtin word spelled {@code word}, or null for an identifier. */
    public static TokenType word(String word) {
        return WORDS.get(word);
    }

    /** Reserved builtin names become name references in expression position (SPEC §3.1). */
    public boolean isBuiltinWord() {
        return ordinal() >= ASSERT.ordinal() && ordinal() <= WRITE_HEX.ordinal();
    }
}
