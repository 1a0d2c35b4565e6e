package dev.hostdev.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
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
            SriovCommand.class,
            DoctorCommand.class,
            VmCommand.class,
            AttachCommand.class,
            UnplugCommand.class,
            SoakCommand.class,
            BatchCommand.class,
            LabCommand.class,
            HelpCommand.class,
        })
// The exit statuses (from ErrorCode) and the closing sections are added by spec(): see ManualSections.
public final class HostdevCommand implements Runnable {
    /** The options every subcommand inherits. */
    @Mixin
    GlobalOptions globals = new GlobalOptions();

    CommandSpec spec;

    /** picocli hands the model over here: the help gets its exit statuses from ErrorCode (one table). */
    @Spec
    void spec(CommandSpec spec) {
        this.spec = spec;
        ManualSections.addToHelp(spec);
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a command is required (list, show, detach, vm, ...)");
    }
}
