package dev.hostdev.engine;

/**
 * Text from the command line or a file, made safe to quote in a message: control characters become {@code ?}
 * (so a name cannot move the terminal's cursor or forge a line), and at most 64 code points are kept.
 */
public final class Printable {
    private static final int MAX = 64;

    private Printable() {
    }

    /** {@code s} with control characters as {@code ?}, cut to 64 code points with {@code …}; null as the empty text. */
    public static String of(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        s.codePoints().limit(MAX).forEach(c -> b.appendCodePoint(c < 0x20 || c == 0x7f ? '?' : c));
        return s.length() > MAX ? b + "…" : b.toString();
    }
}
