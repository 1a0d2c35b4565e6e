package dev.hostdev.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The {@code hostdev} command: give a QEMU VM a host's PCI or USB device, without libvirt. */
@Command(name = "hostdev",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Give a QEMU virtual machine a host's PCI or USB device, without libvirt.",
        subcommands = {
            ListCommand.class,
            ShowCommand.class,
            GroupsCommand.class,
            DetachCommand.class,
            ReattachCommand.class,
            RecoverCommand.class,
            DoctorCommand.class,
            VmCommand.class,
            AttachCommand.class,
            UnplugCommand.class,
            LabCommand.class,
        },
        footer = {"", "Exit status: 0 ok, 2 usage, 3 not found, 4 group not viable, 5 used by the host, 6 busy,",
            "7 kernel refused, 8 QEMU, 9 QMP, 10 timeout, 11 wrong state, 12 environment, 70 internal."})
public final class HostdevCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required (list, show, detach, vm, ...)");
    }
}
