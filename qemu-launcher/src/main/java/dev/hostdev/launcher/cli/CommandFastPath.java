package dev.hostdev.launcher.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the common spellings of the commands a script calls one process at a time, without picocli, whose model,
 * parsing and dispatch cost 100-140 ms of such a process's start: {@code attach NAME DEV|--emulated MODEL [--id ID]
 * [--managed] [--functions F]}, {@code unplug NAME ID [--timeout S] [--no-wait]}, {@code vm status NAME},
 * {@code vm stop NAME [--force] [--timeout S]} and {@code vm start SPEC [--foreground] [--timeout S]}, each with its
 * {@code --json} and {@code --dry-run}, the global options anywhere ({@link CommandWords} reads them). It fills the
 * command's fields as picocli would and runs the command's own {@code call()}; what that throws is reported by
 * {@link ErrorReporter} as picocli's handler does. Anything else, help and a time limit picocli would refuse included,
 * is left to picocli, so that help and errors stay picocli's.
 */
final class CommandFastPath {
    private static final List<String> ATTACH = List.of("attach");
    private static final List<String> UNPLUG = List.of("unplug");
    private static final List<String> VM_STATUS = List.of("vm", "status");
    private static final List<String> VM_STOP = List.of("vm", "stop");
    private static final List<String> VM_START = List.of("vm", "start");

    private CommandFastPath() {
    }

    /** As {@link #tryRun(String[], PrintWriter, PrintWriter, Map)} with this process's environment. */
    static Integer tryRun(String[] args, PrintWriter out, PrintWriter err) {
        return tryRun(args, out, err, System.getenv());
    }

    /**
     * Runs {@code args} when they are one of the spellings above, printing to {@code out} and {@code err}; the global
     * options' defaults come from {@code env}.
     *
     * @return the exit status, or null when picocli must run the line (nothing was done or printed then)
     */
    static Integer tryRun(String[] args, PrintWriter out, PrintWriter err, Map<String, String> env) {
        if (args.length == 0) {
            return null;
        }
        CommandWords w;
        PrintingCommand command;
        if ((w = CommandWords.scan(args, ATTACH, Set.of("--managed", "--dry-run", "--json"),
                Set.of("--emulated", "--id", "--functions"), 1, 2, env)) != null) {
            command = attach(w);
        } else if ((w = CommandWords.scan(args, UNPLUG, Set.of("--no-wait", "--dry-run", "--json"), Set.of("--timeout"), 2, 2, env)) != null) {
            command = unplug(w);
        } else if ((w = CommandWords.scan(args, VM_STATUS, Set.of("--json"), Set.of(), 1, 1, env)) != null) {
            command = named(new VmStatusCommand(), w);
        } else if ((w = CommandWords.scan(args, VM_STOP, Set.of("--force", "--dry-run", "--json"), Set.of("--timeout"), 1, 1, env)) != null) {
            command = stop(w);
        } else if ((w = CommandWords.scan(args, VM_START, Set.of("--foreground", "--dry-run", "--json"), Set.of("--timeout"), 1, 1, env)) != null) {
            command = start(w);
        } else {
            return null;
        }
        if (command == null) {
            return null;
        }
        command.printTo(out, err);
        try {
            return command.call();
        } catch (Exception e) {
            return ErrorReporter.reportFailure(out, err, e, w.flag("--json"), w.globals().verbose);
        }
    }

    private static AttachCommand attach(CommandWords w) {
        AttachCommand c = named(new AttachCommand(), w);
        c.hostDevice = w.parameter(1);
        c.model = w.value("--emulated");
        c.id = w.value("--id");
        c.functions = w.value("--functions");
        c.managed = w.flag("--managed");
        c.dryRun = dryRun(w);
        return c;
    }

    private static UnplugCommand unplug(CommandWords w) {
        UnplugCommand c = named(new UnplugCommand(), w);
        c.id = w.parameter(1);
        c.timeout = timeout(w, UnplugCommand.DEFAULT_TIMEOUT);
        c.noWait = w.flag("--no-wait");
        c.dryRun = dryRun(w);
        return c.timeout == null ? null : c;
    }

    private static VmStopCommand stop(CommandWords w) {
        VmStopCommand c = named(new VmStopCommand(), w);
        c.timeout = timeout(w, VmStopCommand.DEFAULT_TIMEOUT);
        c.force = w.flag("--force");
        c.dryRun = dryRun(w);
        return c.timeout == null ? null : c;
    }

    private static VmStartCommand start(CommandWords w) {
        VmStartCommand c = new VmStartCommand();
        c.common = CommonOptions.of(w.globals());
        c.json = json(w);
        c.specFile = Path.of(w.parameter(0));
        c.foreground = w.flag("--foreground");
        c.timeout = timeout(w, VmStartCommand.DEFAULT_TIMEOUT);
        c.dryRun = dryRun(w);
        return c.timeout == null ? null : c;
    }

    /** {@code NAME}, the global options and {@code --json}, as picocli sets them on any {@link NamedVmCommand}. */
    private static <T extends NamedVmCommand> T named(T c, CommandWords w) {
        c.target = new VmNameParameter();
        c.target.name = w.parameter(0);
        c.common = CommonOptions.of(w.globals());
        c.json = json(w);
        return c;
    }

    private static JsonOption json(CommandWords w) {
        JsonOption o = new JsonOption();
        o.json = w.flag("--json");
        return o;
    }

    private static DryRunOption dryRun(CommandWords w) {
        DryRunOption o = new DryRunOption();
        o.dryRun = w.flag("--dry-run");
        return o;
    }

    /** {@code --timeout} or its default, read by {@link TimeLimit} as picocli's converter reads it; null if refused. */
    private static Duration timeout(CommandWords w, String defaultValue) {
        String given = w.value("--timeout");
        try {
            return TimeLimit.parse(given == null ? defaultValue : given);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
