package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PLACEHOLDER until its owner writes it: Check whether this host is ready for device passthrough. */
@Command(name = "doctor", mixinStandardHelpOptions = true, description = "Check whether this host is ready for device passthrough.")
public final class DoctorCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new HostdevException(ErrorCode.INTERNAL, "'doctor' is not written yet", null);
    }
}
