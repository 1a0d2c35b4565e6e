package dev.hostdev.launcher.cli;

import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every command takes: the host root and verbosity. */
public final class CommonOptions {
    @Option(names = "--root", paramLabel = "DIR", defaultValue = "${env:HOSTDEV_ROOT:-/}",
            description = "Resolve /sys, /proc, /dev and /run under DIR instead of / (env HOSTDEV_ROOT). Default: ${DEFAULT-VALUE}")
    Path root;

    @Option(names = {"-v", "--verbose"}, description = "Show each sysfs write and QMP message.")
    boolean verbose;

    /** The host root chosen. */
    public HostRoot hostRoot() {
        return new HostRoot(root == null ? Path.of("/") : root);
    }

    /** Sysfs under the chosen root, writing through the C library. */
    public Sysfs sysfs() {
        return new Sysfs(hostRoot());
    }

    /** Whether -v was given. */
    public boolean verbose() {
        return verbose;
    }
}
