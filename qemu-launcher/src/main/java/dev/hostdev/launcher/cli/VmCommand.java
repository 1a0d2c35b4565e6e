package dev.hostdev.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** {@code hostdev vm}: QEMU virtual machines described by a spec file (the list of its subcommands). */
@Command(name = "vm",
        subcommands = {
            VmCmdlineCommand.class,
            VmStartCommand.class,
            VmRunCommand.class,
            VmStopCommand.class,
            VmListCommand.class,
            VmStatusCommand.class,
            VmPinCommand.class,
            VmRmCommand.class,
            VmSuperviseCommand.class,
            HelpCommand.class,
        })
public final class VmCommand extends VmCommandBase {
}
