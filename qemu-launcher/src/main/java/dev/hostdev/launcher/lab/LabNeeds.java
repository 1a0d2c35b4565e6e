package dev.hostdev.launcher.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one list of what the lab needs ({@code needs.txt} beside this class): {@code hostdev lab --install}
 * installs its packages, {@link LabPreflight} checks its programs before anything boots, and
 * {@code ./run-tests} reads the same file (the second column) to install the packages the tests need.
 */
public final class LabNeeds {
    /** The resource, relative to this class; {@code ./run-tests} reads it from the source tree. */
    public static final String RESOURCE = "needs.txt";

    private static final List<LabNeed> ALL = load();

    private LabNeeds() {
    }

    /** Every need, in the list's order. */
    public static List<LabNeed> all() {
        return ALL;
    }

    /** The Debian packages, each once, in the list's order. */
    public static List<String> packages() {
        return packagesOf(ALL);
    }

    /** The packages of some needs, each once, in order. */
    public static List<String> packagesOf(List<LabNeed> needs) {
        Set<String> p = new LinkedHashSet<>();
        needs.forEach(n -> p.add(n.pkg()));
        return List.copyOf(p);
    }

    /** {@code apt-get install} of the given packages. */
    public static String installCommand(List<String> packages) {
        return "apt-get install " + String.join(" ", packages);
    }

    /** {@code apt-get install} of every package of the list. */
    public static String installCommand() {
        return installCommand(packages());
    }

    /** Parses the list's text: {@code PROGRAM PACKAGE WHERE PURPOSE…} a line, {@code #} comments. */
    static List<LabNeed> parse(String text) {
        List<LabNeed> needs = new ArrayList<>();
        int lineNo = 0;
        for (String line : text.split("\n")) {
            lineNo++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            String[] f = l.split("\\s+", 4);
            if (f.length < 4) {
                throw new IllegalStateException(RESOURCE + ":" + lineNo + ": want PROGRAM PACKAGE WHERE PURPOSE: " + l);
            }
            Set<LabNeed.Where> where = EnumSet.noneOf(LabNeed.Where.class);
            for (String w : f[2].split(",")) {
                where.add(LabNeed.Where.valueOf(w.toUpperCase(Locale.ROOT)));
            }
            needs.add(new LabNeed(f[0], f[1], where, f[3]));
        }
        return List.copyOf(needs);
    }

    private static List<LabNeed> load() {
        try (InputStream in = LabNeeds.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the jar lacks " + RESOURCE + " beside " + LabNeeds.class.getName());
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
