package dev.hostdev.launcher.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What a command on one VM ({@code vm status}, {@code vm stop}, {@code vm rm}, {@code attach}, {@code unplug})
 * declares: the VM's {@code NAME}, the global options and {@code --json}. picocli reads these fields of the
 * subclass's instance, as it reads the subclass's own.
 */
abstract class NamedVmCommand implements Callable<Integer> {
    @Mixin
    VmNameParameter target;

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;
}
