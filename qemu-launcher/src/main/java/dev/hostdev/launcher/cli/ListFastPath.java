package dev.hostdev.launcher.cli;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;

/**
 * Runs a plain {@code hostdev list …} without building picocli's model of every command, which costs
 * more than listing a small host. Only the exact spellings {@link CommandWords} reads take this path; anything
 * else (help, a typo, a repeated option, an option value that looks like an option) goes through picocli, so help
 * and errors stay picocli's. The output is the same bytes {@link ListCommand} prints.
 */
final class ListFastPath {
    private static final List<String> LIST = List.of("list");
    private static final Set<String> FLAGS = Set.of("--json", "--usb", "--all");

    private ListFastPath() {
    }

    /**
     * @return the exit status, or {@code null} when the arguments are not a plain list and picocli must
     *         run them (also on an internal error, which picocli then reports in its usual way)
     */
    static Integer tryRun(String[] args, PrintWriter out, PrintWriter err) {
        CommandWords w = CommandWords.scan(args, LIST, FLAGS, Set.of(), 0, 0, System.getenv());
        if (w == null) {
            return null;
        }
        boolean json = w.flag("--json");
        HostRoot hostRoot;
        try {
            hostRoot = new HostRoot(w.globals().root);
        } catch (RuntimeException e) {
            return null;
        }
        try {
            String text = ListCommand.render(hostRoot, new Sysfs(hostRoot), json, w.flag("--usb"), w.flag("--all"), err);
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
}
