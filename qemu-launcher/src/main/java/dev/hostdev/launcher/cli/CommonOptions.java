package dev.hostdev.launcher.cli;

import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every command reads of the global options ({@link GlobalOptions}: {@code --root}, {@code --run-dir},
 * {@code -v}), wherever on the command line they were given. A mixin without options of its own: the options
 * live once, on the top command, and picocli sets them there whether they come before or after the subcommand.
 */
// @Command with no attributes: picocli takes a class as a mixin only if it carries a picocli annotation.
@Command
public final class CommonOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The global options a fast path ({@link CommandFastPath}) read, where picocli does not run the command. */
    private GlobalOptions given;

    /** Options of a command that picocli does not run: {@code globals} as the fast path read them. */
    static CommonOptions of(GlobalOptions globals) {
        CommonOptions c = new CommonOptions();
        c.given = globals;
        return c;
    }

    /** The global options of the command line this command belongs to (defaults for a command used alone). */
    GlobalOptions globals() {
        if (given != null) {
            return given;
        }
        Object top = mixee == null ? null : mixee.root().userObject();
        return top instanceof HostdevCommandBase h ? h.globals : new GlobalOptions();
    }

    /** The host root chosen: {@code /} unless {@code --root} or {@code HOSTDEV_ROOT} names another. */
    public HostRoot hostRoot() {
        return new HostRoot(rootOption().orElse(Path.of("/")));
    }

    /**
     * The {@code --root} given (or from {@code HOSTDEV_ROOT}), if any. An empty one is none, as an empty
     * {@code HOSTDEV_RUN_DIR} is: picocli would give the empty path, the current directory.
     */
    Optional<Path> rootOption() {
        Path root = globals().root;
        return root == null || root.toString().isEmpty() ? Optional.empty() : Optional.of(root);
    }

    /** The directory of VMs' runtime directories given by {@code --run-dir} or {@code HOSTDEV_RUN_DIR}, as an absolute path. */
    public Optional<Path> runDir() {
        Path dir = globals().runDir;
        return dir == null || dir.toString().isEmpty() ? Optional.empty() : Optional.of(dir.toAbsolutePath().normalize());
    }

    /** Sysfs under the chosen root, writing through the C library. */
    public Sysfs sysfs() {
        return new Sysfs(hostRoot());
    }

    /** Whether -v was given. */
    public boolean verbose() {
        return globals().verbose;
    }
}
