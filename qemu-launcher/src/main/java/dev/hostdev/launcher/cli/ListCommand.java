package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PLACEHOLDER until its owner writes it: List PCI (and USB) devices with driver and IOMMU group. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List PCI (and USB) devices with driver and IOMMU group.")
public final class ListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new HostdevException(ErrorCode.INTERNAL, "'list' is not written yet", null);
    }
}
