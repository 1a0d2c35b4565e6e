package dev.hostdev.engine.kmod;

/**
 * fnmatch(3) without flags, as libkmod matches module aliases: {@code *} any run of characters,
 * {@code ?} one character, {@code [...]} one of a set (ranges, {@code !} or {@code ^} to negate),
 * {@code \} quotes the next character.
 */
final class Glob {
    private Glob() {
    }

    /** The part of the pattern before its first special character. */
    static String literalPrefix(String pattern) {
        int i = 0;
        while (i < pattern.length() && "*?[\\".indexOf(pattern.charAt(i)) < 0) {
            i++;
        }
        return pattern.substring(0, i);
    }

    static boolean matches(String pattern, String text) {
        return match(pattern, 0, text, 0);
    }

    private static boolean match(String p, int pi, String t, int ti) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            switch (c) {
                case '*' -> {
                    while (pi < p.length() && p.charAt(pi) == '*') {
                        pi++;
                    }
                    if (pi == p.length()) {
                        return true;
                    }
                    for (int k = ti; k <= t.length(); k++) {
                        if (match(p, pi, t, k)) {
                            return true;
                        }
                    }
                    return false;
                }
                case '?' -> {
                    if (ti >= t.length()) {
                        return false;
                    }
                    pi++;
                    ti++;
                }
                case '[' -> {
                    int end = setEnd(p, pi);
                    if (end < 0) {
                        // no closing bracket: a literal '['
                        if (ti >= t.length() || t.charAt(ti) != '[') {
                            return false;
                        }
                        pi++;
                        ti++;
                    } else {
                        if (ti >= t.length() || !inSet(p, pi + 1, end, t.charAt(ti))) {
                            return false;
                        }
                        pi = end + 1;
                        ti++;
                    }
                }
                default -> {
                    if (c == '\\' && pi + 1 < p.length()) {
                        pi++;
                        c = p.charAt(pi);
                    }
                    if (ti >= t.length() || t.charAt(ti) != c) {
                        return false;
                    }
                    pi++;
                    ti++;
                }
            }
        }
        return ti == t.length();
    }

    /** The index of the {@code ]} closing the set opened at {@code open}, or -1. */
    private static int setEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && (p.charAt(i) == '!' || p.charAt(i) == '^')) {
            i++;
        }
        if (i < p.length() && p.charAt(i) == ']') {
            i++;
        }
        while (i < p.length() && p.charAt(i) != ']') {
            i++;
        }
        return i < p.length() ? i : -1;
    }

    private static boolean inSet(String p, int from, int end, char c) {
        boolean negate = p.charAt(from) == '!' || p.charAt(from) == '^';
        int i = negate ? from + 1 : from;
        boolean found = false;
        boolean first = true;
        while (i < end) {
            char lo = p.charAt(i);
            if (lo == ']' && !first) {
                break;
            }
            first = false;
            if (i + 2 < end && p.charAt(i + 1) == '-') {
                char hi = p.charAt(i + 2);
                if (lo <= c && c <= hi) {
                    found = true;
                }
                i += 3;
            } else {
                if (lo == c) {
                    found = true;
                }
                i++;
            }
        }
        return found != negate;
    }
}
