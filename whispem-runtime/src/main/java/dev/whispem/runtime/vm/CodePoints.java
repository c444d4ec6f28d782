package dev.whispem.runtime.vm;

/**
 * String helpers that work on Unicode scalar values, since Whispem strings are sequences of code
 * points while Java strings are UTF-16.
 */
final class CodePoints {
    private CodePoints() {}

    /** Lexicographic order by code point (equal to UTF-8 byte order). */
    static int compare(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /** The substring of code points [from, to); both already clamped to the length. */
    static String substring(String s, int from, int to) {
        int start = s.offsetByCodePoints(0, from);
        int end = s.offsetByCodePoints(start, to - from);
        return s.substring(start, end);
    }
}
