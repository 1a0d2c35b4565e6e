package dev.hostdev.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
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
            BatchCommand.class,
            LabCommand.class,
            HelpCommand.class,
        },
        // An exit-code list rather than a footer: the man page generator renders it as its own section.
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:done", "2:usage: bad input", "3:not found", "4:IOMMU group not viable",
            "5:used by the host", "6:busy: held by another process or manager", "7:the kernel refused",
            "8:QEMU failed or refused", "9:QMP conversation failed", "10:timeout", "11:wrong state",
            "12:environment: the host lacks something (see 'hostdev doctor')", "70:internal error (a bug)"})
public final class HostdevCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required (list, show, detach, vm, ...)");
    }
}
