package dev.hostdev.launcher.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code hostdev} command without its subcommands: what {@link HostdevCommand} is, less the list. A command
 * line run from the shell builds only the subcommand it invokes on top of it ({@link Cli#forArgs}): picocli's model
 * of every command took 150-290 ms of a JVM's start, the model of one command a third of that.
 */
@Command(name = "hostdev",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Give a QEMU virtual machine a host's PCI or USB device, without libvirt.")
// The exit statuses (from ErrorCode) and the closing sections are added by spec(): see ManualSections.
public class HostdevCommandBase implements Runnable {
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
