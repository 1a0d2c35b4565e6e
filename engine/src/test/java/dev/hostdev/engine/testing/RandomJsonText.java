package dev.hostdev.engine.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random values for the oracle tests of Hostdev's JSON codecs (a codec's bytes against Jackson's {@code ObjectMapper}):
 * text with what JSON must escape or may leave as it is, nulls, lists of text, extreme numbers.
 */
public final class RandomJsonText {
    /** Quotes, a backslash, controls, non-ASCII, a surrogate pair, empty and blank, and a few of Hostdev's own words. */
    private static final String[] PARTS = {"web", "pci.1", "vfio-pci", "nouveau", "/x/y.toml", "\"q\"", "back\\slash", "tab\t",
        "nl\n", "\u0001", "é", "日本", "\uD83D\uDE00", "", " "};

    private RandomJsonText() {
    }

    /** One to four parts. */
    public static String text(Random rnd) {
        StringBuilder b = new StringBuilder();
        for (int i = rnd.nextInt(4); i >= 0; i--) {
            b.append(PARTS[rnd.nextInt(PARTS.length)]);
        }
        return b.toString();
    }

    /** {@code s}, or null one time in three. */
    public static String maybe(Random rnd, String s) {
        return rnd.nextInt(3) == 0 ? null : s;
    }

    /** Zero to three texts. */
    public static List<String> strings(Random rnd) {
        List<String> l = new ArrayList<>();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            l.add(text(rnd));
        }
        return l;
    }

    /** 0, the largest or the smallest long, or a small one. */
    public static long anyLong(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> 0;
            case 1 -> Long.MAX_VALUE;
            case 2 -> Long.MIN_VALUE;
            default -> rnd.nextInt(1 << 22);
        };
    }
}
