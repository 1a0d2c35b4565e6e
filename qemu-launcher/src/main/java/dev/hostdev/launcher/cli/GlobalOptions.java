package dev.hostdev.launcher.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options that apply to every command, declared once on {@link HostdevCommand} and inherited by every
 * subcommand (picocli's {@link ScopeType#INHERIT}): {@code hostdev --root DIR list}, {@code hostdev list --root DIR}
 * and {@code HOSTDEV_ROOT=DIR hostdev list} mean the same. Commands read them through {@link CommonOptions}.
 */
public final class GlobalOptions {
    /** The environment variable that gives {@code --root}'s default. */
    public static final String ROOT_ENV = "HOSTDEV_ROOT";
    /** The environment variable that gives {@code --run-dir}'s default. */
    public static final String RUN_DIR_ENV = "HOSTDEV_RUN_DIR";

    @Option(names = "--root", paramLabel = "DIR", scope = ScopeType.INHERIT, defaultValue = "${env:HOSTDEV_ROOT:-/}",
            description = "Resolve /sys, /proc, /dev and /run under DIR instead of / (env HOSTDEV_ROOT). Default: ${DEFAULT-VALUE}")
    Path root;

    @Option(names = "--run-dir", paramLabel = "DIR", scope = ScopeType.INHERIT, defaultValue = "${env:HOSTDEV_RUN_DIR}",
            description = "Keep VMs' runtime directories (QMP socket, state, logs) under DIR (env HOSTDEV_RUN_DIR). "
                    + "Default: /run/hostdev/vms under --root.")
    Path runDir;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT, description = "Show each sysfs write and QMP message.")
    boolean verbose;
}
