package dev.hostdev.launcher.cli;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Runs a plain {@code hostdev list …} without building picocli's model of every command, which costs
 * more than listing a small host. Only the exact spellings below take this path; anything else (help,
 * a typo, a repeated option, an option value that looks like an option) goes through picocli, so help
 * and errors stay picocli's. The output is the same bytes {@link ListCommand} prints.
 */
final class ListFastPath {
    private static final Set<String> FLAGS = Set.of("--json", "--usb", "--all", "-v", "--verbose");

    private ListFastPath() {
    }

    /**
     * @return the exit status, or {@code null} when the arguments are not a plain list and picocli must
     *         run them (also on an internal error, which picocli then reports in its usual way)
     */
    static Integer tryRun(String[] args, PrintWriter out, PrintWriter err) {
        args = globalOptionsAfterList(args);
        if (args.length == 0 || !args[0].equals("list")) {
            return null;
        }
        Set<String> seen = new HashSet<>();
        String root = null;
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            String option = a.startsWith("--root=") ? "--root" : a;
            if (!seen.add(option.equals("-v") ? "--verbose" : option)) {
                return null;
            }
            if (FLAGS.contains(a)) {
                continue;
            }
            if (a.equals("--root") && i + 1 < args.length && plainValue(args[i + 1])) {
                root = args[++i];
            } else if (a.startsWith("--root=") && plainValue(a.substring(7))) {
                root = a.substring(7);
            } else {
                return null;
            }
        }
        if (root == null) {
            String env = System.getenv("HOSTDEV_ROOT");
            if (env != null && env.isEmpty()) {
                return null;
            }
            root = env != null ? env : "/";
        }
        boolean json = seen.contains("--json");
        HostRoot hostRoot;
        try {
            hostRoot = new HostRoot(Path.of(root));
        } catch (RuntimeException e) {
            return null;
        }
        try {
            String text = ListCommand.render(hostRoot, new Sysfs(hostRoot), json, seen.contains("--usb"),
                    seen.contains("--all"), err);
            out.print(text);
            out.flush();
            return 0;
        } catch (HostdevException e) {
            ErrorReporter.report(out, err, e, json);
            return e.code().exitStatus();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code hostdev --root DIR -v list …} as {@code hostdev list … --root DIR -v}: the global options
     * ({@link GlobalOptions}) mean the same before the subcommand. Anything else before {@code list} is left as
     * it is, for picocli.
     */
    private static String[] globalOptionsAfterList(String[] args) {
        int i = 0;
        while (i < args.length && !args[i].equals("list")) {
            String a = args[i];
            if (a.equals("-v") || a.equals("--verbose") || a.startsWith("--root=")) {
                i++;
            } else if (a.equals("--root") && i + 1 < args.length && plainValue(args[i + 1])) {
                i += 2;
            } else {
                return args;
            }
        }
        if (i == 0 || i == args.length) {
            return args;
        }
        String[] moved = new String[args.length];
        System.arraycopy(args, i, moved, 0, args.length - i);
        System.arraycopy(args, 0, moved, args.length - i, i);
        return moved;
    }

    private static boolean plainValue(String v) {
        return !v.isEmpty() && !v.startsWith("-");
    }
}
