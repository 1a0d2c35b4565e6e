package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PLACEHOLDER until its owner writes it: Boot the lab VM and walk through the whole procedure inside it. */
@Command(name = "lab", mixinStandardHelpOptions = true, description = "Boot the lab VM and walk through the whole procedure inside it.")
public final class LabCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new HostdevException(ErrorCode.INTERNAL, "'lab' is not written yet", null);
    }
}
