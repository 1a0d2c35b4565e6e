package dev.hostdev.launcher.cli;

import picocli.CommandLine.Mixin;

/**
 * What a command on one VM ({@code vm status}, {@code vm stop}, {@code vm rm}, {@code attach}, {@code unplug})
 * declares: the VM's {@code NAME}, the global options and {@code --json}. picocli reads these fields of the
 * subclass's instance, as it reads the subclass's own; {@link CommandFastPath} sets them itself.
 */
abstract class NamedVmCommand extends PrintingCommand {
    @Mixin
    VmNameParameter target;

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;
}
