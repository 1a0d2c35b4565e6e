package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PLACEHOLDER until its owner writes it: Start a VM from a spec. */
@Command(name = "start", mixinStandardHelpOptions = true, description = "Start a VM from a spec.")
public final class VmStartCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new HostdevException(ErrorCode.INTERNAL, "'start' is not written yet", null);
    }
}
