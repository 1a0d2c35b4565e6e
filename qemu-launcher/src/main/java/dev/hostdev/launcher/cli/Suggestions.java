package dev.hostdev.launcher.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * "Did you mean" for a mistyped command or option: {@code hostdev lsit} → {@code did you mean
 * 'hostdev list'?}. picocli's own suggestions compare letter pairs, which misses swapped letters
 * ({@code lsit}); names within a small edit distance (a letter missing, extra, changed or two
 * swapped) are offered too, closest first.
 */
final class Suggestions {
    private Suggestions() {
    }

    /** The hint for a parse error: the close names when there are some, else {@code fallback}. */
    static String hint(ParameterException ex, String fallback) {
        if (!(ex instanceof UnmatchedArgumentException u) || u.getUnmatched().isEmpty()) {
            return fallback;
        }
        String typed = u.getUnmatched().get(0);
        CommandSpec spec = ex.getCommandLine().getCommandSpec();
        List<String> close = close(typed, spec, u.getSuggestions());
        if (close.isEmpty()) {
            return fallback;
        }
        boolean options = typed.startsWith("-");
        List<String> shown = close.stream().limit(3).map(s -> "'" + (options ? s : spec.qualifiedName() + " " + s) + "'")
                .toList();
        return "did you mean " + String.join(" or ", shown) + "? (" + fallback + ")";
    }

    private static List<String> close(String typed, CommandSpec spec, List<String> picocli) {
        List<String> candidates = new ArrayList<>();
        if (typed.startsWith("-")) {
            spec.options().forEach(o -> candidates.addAll(List.of(o.names())));
        } else {
            spec.subcommands().forEach((name, sub) -> {
                if (!sub.getCommandSpec().usageMessage().hidden()) {
                    candidates.add(name);
                }
            });
        }
        String bare = typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
        int limit = Math.max(1, Math.min(2, bare.length() / 3));
        List<String> near = candidates.stream().filter(c -> distance(bare, c) <= limit)
                .sorted(Comparator.comparingInt(c -> distance(bare, c))).toList();
        Set<String> out = new LinkedHashSet<>(near);
        picocli.stream().filter(candidates::contains).forEach(out::add);
        return List.copyOf(out);
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
