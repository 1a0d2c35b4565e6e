package dev.hostdev.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hostdev vm} without its subcommands: {@link VmCommand} less the list (see {@link HostdevCommandBase}). */
@Command(name = "vm", mixinStandardHelpOptions = true,
        description = "Build, start, stop and inspect QEMU VMs described by a TOML spec.")
public class VmCommandBase implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a vm command is required (cmdline, start, stop, list, status, rm)");
    }
}
