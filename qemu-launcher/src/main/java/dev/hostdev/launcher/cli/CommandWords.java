package dev.hostdev.launcher.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A command line read the way a fast path ({@link ListFastPath}, {@link CommandFastPath}) takes it, without picocli:
 * the command's words ({@code vm status}), then its own options and parameters, with the global options of
 * {@link GlobalOptions} ({@code -v}/{@code --verbose}, {@code --root DIR}, {@code --run-dir DIR}) anywhere. Only the
 * plainest spellings are read: each option at most once, a value as the next word or after {@code =}, every value and
 * parameter a plain word (not empty, not starting with {@code -} or {@code @}, which picocli reads as a file of
 * arguments). {@link #scan} gives null for anything else, and for an empty {@code HOSTDEV_ROOT} or
 * {@code HOSTDEV_RUN_DIR}: that line goes to picocli, so that its help and errors stay picocli's.
 */
final class CommandWords {
    private final GlobalOptions globals;
    private final Set<String> flags;
    private final Map<String, String> values;
    private final List<String> parameters;

    private CommandWords(GlobalOptions globals, Set<String> flags, Map<String, String> values, List<String> parameters) {
        this.globals = globals;
        this.flags = flags;
        this.values = values;
        this.parameters = parameters;
    }

    /**
     * Reads {@code args} as {@code command…} followed by {@code flagNames}, {@code valueNames} (options with a value) and
     * {@code minParameters} to {@code maxParameters} parameters, in any order, the global options anywhere; their
     * defaults from {@code env} as picocli takes them ({@code ${env:HOSTDEV_ROOT:-/}}, {@code ${env:HOSTDEV_RUN_DIR}}).
     *
     * @return the words read, or null when the line is not exactly of that shape
     */
    static CommandWords scan(String[] args, List<String> command, Set<String> flagNames, Set<String> valueNames,
            int minParameters, int maxParameters, Map<String, String> env) {
        Set<String> flags = new HashSet<>();
        Map<String, String> values = new HashMap<>();
        List<String> parameters = new ArrayList<>();
        int words = 0;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            if (a.equals("-v") || a.equals("--verbose")) {
                if (!flags.add("--verbose")) {
                    return null;
                }
            } else if (name.equals("--root") || name.equals("--run-dir") || words == command.size() && valueNames.contains(name)) {
                if (value == null) {
                    if (i + 1 == args.length) {
                        return null;
                    }
                    value = args[++i];
                }
                if (!plain(value) || values.put(name, value) != null) {
                    return null;
                }
            } else if (words < command.size()) {
                if (!a.equals(command.get(words++))) {
                    return null;
                }
            } else if (flagNames.contains(a)) {
                if (!flags.add(a)) {
                    return null;
                }
            } else if (plain(a)) {
                parameters.add(a);
            } else {
                return null;
            }
        }
        if (words < command.size() || parameters.size() < minParameters || parameters.size() > maxParameters) {
            return null;
        }
        GlobalOptions globals = globals(flags.contains("--verbose"), values.get("--root"), values.get("--run-dir"), env);
        return globals == null ? null : new CommandWords(globals, flags, values, parameters);
    }

    /** The global options as picocli sets them, or null where an environment variable is set but empty. */
    private static GlobalOptions globals(boolean verbose, String root, String runDir, Map<String, String> env) {
        if (root == null) {
            root = env.get(GlobalOptions.ROOT_ENV);
            if (root == null) {
                root = "/";
            } else if (root.isEmpty()) {
                return null;
            }
        }
        if (runDir == null) {
            runDir = env.get(GlobalOptions.RUN_DIR_ENV);
            if (runDir != null && runDir.isEmpty()) {
                return null;
            }
        }
        GlobalOptions g = new GlobalOptions();
        try {
            g.root = Path.of(root);
            g.runDir = runDir == null ? null : Path.of(runDir);
        } catch (RuntimeException e) {
            return null;
        }
        g.verbose = verbose;
        return g;
    }

    private static boolean plain(String word) {
        return !word.isEmpty() && word.charAt(0) != '-' && word.charAt(0) != '@';
    }

    /** The global options given, with their defaults. */
    GlobalOptions globals() {
        return globals;
    }

    /** Whether the option {@code name} (without a value) was given. */
    boolean flag(String name) {
        return flags.contains(name);
    }

    /** The value given to the option {@code name}, or null. */
    String value(String name) {
        return values.get(name);
    }

    /** The parameter at {@code index}, or null when fewer were given. */
    String parameter(int index) {
        return index < parameters.size() ? parameters.get(index) : null;
    }
}
