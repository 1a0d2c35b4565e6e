package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PLACEHOLDER until its owner writes it: Detach devices from their host drivers to vfio-pci. */
@Command(name = "detach", mixinStandardHelpOptions = true, description = "Detach devices from their host drivers to vfio-pci.")
public final class DetachCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new HostdevException(ErrorCode.INTERNAL, "'detach' is not written yet", null);
    }
}
