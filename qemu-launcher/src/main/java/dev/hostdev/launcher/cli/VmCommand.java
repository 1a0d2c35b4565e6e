package dev.hostdev.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code hostdev vm}: QEMU virtual machines described by a spec file. */
@Command(name = "vm", mixinStandardHelpOptions = true,
        description = "Build, start, stop and inspect QEMU VMs described by a TOML spec.",
        subcommands = {
            VmCmdlineCommand.class,
            VmStartCommand.class,
            VmRunCommand.class,
            VmStopCommand.class,
            VmListCommand.class,
            VmStatusCommand.class,
            VmRmCommand.class,
            VmSuperviseCommand.class,
            HelpCommand.class,
        })
public final class VmCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a vm command is required (cmdline, start, stop, list, status, rm)");
    }
}
