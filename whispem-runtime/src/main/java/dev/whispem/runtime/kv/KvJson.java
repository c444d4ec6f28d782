package dev.whispem.runtime.kv;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The strict JSON reader for one {@code GET /v1/kv} page (docs/whispem/kv-extension.md §7). It
 * checks the whole document (RFC 8259) but keeps only the item keys and the next cursor.
 */
final class KvJson {
    static final int MAX_DEPTH = 64;

    /** {@code nextCursor} is null on the last page. */
    record Page(List<String> keys, String nextCursor) {}

    static final class Invalid extends Exception {
        Invalid() {
            super(null, null, false, false);
        }
    }

    /** Marker values for the generic parse. */
    private static final Object NULL = new Object();

    private static final Object OTHER = new Object();

    private final String text;
    private int pos;

    private KvJson(String text) {
        this.text = text;
    }

    /** Parses a page from already strictly-decoded UTF-8 text. */
    static Page page(String text) throws Invalid {
        KvJson json = new KvJson(text);
        json.skipWhitespace();
        if (json.peek() != '{') {
            throw new Invalid();
        }
        json.pos++;
        List<String> keys = null;
        Object cursor = null;
        Set<String> seen = new HashSet<>();
        json.skipWhitespace();
        if (json.peek() == '}') {
            json.pos++;
        } else {
            while (true) {
                json.skipWhitespace();
                String name = json.string();
                if (!seen.add(name)) {
                    throw new Invalid();
                }
                json.expectColon();
                switch (name) {
                    case "items" -> keys = json.items();
                    case "nextCursor" -> cursor = json.value(1);
                    default -> json.value(1);
                }
                if (json.endOfMembers()) {
                    break;
                }
            }
        }
        json.skipWhitespace();
        if (json.pos != text.length() || keys == null) {
            throw new Invalid();
        }
        if (cursor == null || cursor == NULL) {
            return new Page(keys, null);
        }
        if (!(cursor instanceof String s) || s.isEmpty()) {
            throw new Invalid();
        }
        return new Page(keys, s);
    }

    private List<String> items() throws Invalid {
        skipWhitespace();
        if (peek() != '[') {
            throw new Invalid();
        }
        pos++;
        List<String> keys = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return keys;
        }
        while (true) {
            keys.add(item());
            skipWhitespace();
            char c = next();
            if (c == ']') {
                return keys;
            }
            if (c != ',') {
                throw new Invalid();
            }
        }
    }

    /** An item object; returns its string "key". */
    private String item() throws Invalid {
        skipWhitespace();
        if (peek() != '{') {
            throw new Invalid();
        }
        pos++;
        Object key = null;
        Set<String> seen = new HashSet<>();
        skipWhitespace();
        if (peek() == '}') {
            throw new Invalid();
        }
        while (true) {
            skipWhitespace();
            String name = string();
            if (!seen.add(name)) {
                throw new Invalid();
            }
            expectColon();
            Object value = value(3);
            if (name.equals("key")) {
                key = value;
            }
            if (endOfMembers()) {
                break;
            }
        }
        if (!(key instanceof String s)) {
            throw new Invalid();
        }
        return s;
    }

    /** After a member: ',' (more) or '}' (done). */
    private boolean endOfMembers() throws Invalid {
        skipWhitespace();
        char c = next();
        if (c == '}') {
            return true;
        }
        if (c != ',') {
            throw new Invalid();
        }
        return false;
    }

    private void expectColon() throws Invalid {
        skipWhitespace();
        if (next() != ':') {
            throw new Invalid();
        }
    }

    /** Any JSON value; strings are returned, null as NULL, everything else as OTHER. */
    private Object value(int depth) throws Invalid {
        if (depth > MAX_DEPTH) {
            throw new Invalid();
        }
        skipWhitespace();
        char c = peek();
        switch (c) {
            case '"' -> {
                return string();
            }
            case '{' -> {
                pos++;
                Set<String> seen = new HashSet<>();
                skipWhitespace();
                if (peek() == '}') {
                    pos++;
                    return OTHER;
                }
                while (true) {
                    skipWhitespace();
                    if (!seen.add(string())) {
                        throw new Invalid();
                    }
                    expectColon();
                    value(depth + 1);
                    if (endOfMembers()) {
                        return OTHER;
                    }
                }
            }
            case '[' -> {
                pos++;
                skipWhitespace();
                if (peek() == ']') {
                    pos++;
                    return OTHER;
                }
                while (true) {
                    value(depth + 1);
                    skipWhitespace();
                    char d = next();
                    if (d == ']') {
                        return OTHER;
                    }
                    if (d != ',') {
                        throw new Invalid();
                    }
                }
            }
            case 't' -> {
                literal("true");
                return OTHER;
            }
            case 'f' -> {
                literal("false");
                return OTHER;
            }
            case 'n' -> {
                literal("null");
                return NULL;
            }
            default -> {
                number();
                return OTHER;
            }
        }
    }

    private void literal(String word) throws Invalid {
        if (!text.startsWith(word, pos)) {
            throw new Invalid();
        }
        pos += word.length();
    }

    /** -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
    private void number() throws Invalid {
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else if (digit(peek()) && peek() != '0') {
            digits();
        } else {
            throw new Invalid();
        }
        if (peek() == '.') {
            pos++;
            if (!digit(peek())) {
                throw new Invalid();
            }
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digit(peek())) {
                throw new Invalid();
            }
            digits();
        }
    }

    private void digits() {
        while (digit(peek())) {
            pos++;
        }
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }

    private String string() throws Invalid {
        if (next() != '"') {
            throw new Invalid();
        }
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return out.toString();
            }
            if (c < 0x20) {
                throw new Invalid();
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> out.append(e);
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (next() != '\\' || next() != 'u') {
                            throw new Invalid();
                        }
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw new Invalid();
                        }
                        out.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw new Invalid();
                    } else {
                        out.append(u);
                    }
                }
                default -> throw new Invalid();
            }
        }
    }

    private char hex4() throws Invalid {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            char c = next();
            int d =
                    c >= '0' && c <= '9'
                            ? c - '0'
                            : c >= 'a' && c <= 'f'
                                    ? c - 'a' + 10
                                    : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) {
                throw new Invalid();
            }
            value = value * 16 + d;
        }
        return (char) value;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** The current character, or NUL at the end (NUL never starts a valid token). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char next() throws Invalid {
        if (pos >= text.length()) {
            throw new Invalid();
        }
        return text.charAt(pos++);
    }
}
