package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PLACEHOLDER until its owner writes it: Show a VM's state, process and devices. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a VM's state, process and devices.")
public final class VmStatusCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new HostdevException(ErrorCode.INTERNAL, "'status' is not written yet", null);
    }
}
