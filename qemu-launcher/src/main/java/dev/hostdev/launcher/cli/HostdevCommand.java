package dev.hostdev.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/**
 * The {@code hostdev} command: give a QEMU VM a host's PCI or USB device, without libvirt. Its attributes and
 * global options are {@link HostdevCommandBase}'s; this class adds the list of subcommands, the one list of them
 * ({@link Cli#forArgs} looks a command's class up in it).
 */
@Command(name = "hostdev",
        subcommands = {
            ListCommand.class,
            ShowCommand.class,
            GroupsCommand.class,
            DetachCommand.class,
            ReattachCommand.class,
            RecoverCommand.class,
            SriovCommand.class,
            ApplyCommand.class,
            DoctorCommand.class,
            VmCommand.class,
            AttachCommand.class,
            UnplugCommand.class,
            SoakCommand.class,
            BatchCommand.class,
            LabCommand.class,
            HelpCommand.class,
        })
public final class HostdevCommand extends HostdevCommandBase {
}
