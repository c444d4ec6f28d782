package dev.whispem.runtime.lexer;

/**
 * A piece of an f-string body. Interpolations keep their raw text: the parser lexes and parses them
 * separately so that positions inside are relative to that text (SPEC §2.6).
 */
public sealed interface FStringPart {
    record Literal(String text) implements FStringPart {}

    record Interpolation(String source) implements FStringPart {}
}
