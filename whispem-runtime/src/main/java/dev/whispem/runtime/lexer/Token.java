package dev.whispem.runtime.lexer;

import dev.whispem.runtime.vm.NumberFormat;
import java.util.List;

/**
 * One token. {@code text} is the identifier name or the decoded string value; {@code parts} is set
 * only for f-strings.
 */
public record Token(
        TokenType type, String text, double number, List<FStringPart> parts, int line, int column) {

    /** How the parser names this token in "Expected X, found Y" (SPEC §10). */
    public String describe() {
        return switch (type) {
            case NUMBER -> "number '" + NumberFormat.display(number) + "'";
            case STRING -> "string \"" + text + "\"";
            case FSTRING -> "f-string";
            case IDENT -> "identifier '" + text + "'";
            case NEWLINE -> "newline";
            case EOF -> "end of file";
            default -> "'" + type.spelling() + "'";
        };
    }
}
