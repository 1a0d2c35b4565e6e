package dev.hostdev.launcher.cli;

import picocli.CommandLine.Option;

/**
 * {@code --dry-run}, on every command that changes something, with one help text: the dry run makes the same
 * checks as the real run and prints what the real run would do, in order, changing nothing.
 */
public final class DryRunOption {
    @Option(names = "--dry-run", description = "Make the same checks and print, in order, what it would change (sysfs writes, "
            + "QMP commands, processes, files); change nothing.")
    boolean dryRun;

    /** Whether --dry-run was given. */
    public boolean enabled() {
        return dryRun;
    }
}
