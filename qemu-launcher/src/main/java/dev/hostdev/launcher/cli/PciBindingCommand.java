package dev.hostdev.launcher.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What {@code detach} and {@code reattach} declare alike: the PCI devices, {@code --dry-run}, the host configuration
 * that {@code --persistent} records into, the global options and {@code --json}. picocli reads these fields of the
 * subclass's instance, as it reads the subclass's own.
 */
abstract class PciBindingCommand implements Callable<Integer> {
    @Mixin
    PciDeviceParameters devices;

    @Mixin
    DryRunOption dryRun;

    @Mixin
    HostConfigOption config;

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;
}
