package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PLACEHOLDER until its owner writes it: Finish or roll back operations interrupted by a crash. */
@Command(name = "recover", mixinStandardHelpOptions = true, description = "Finish or roll back operations interrupted by a crash.")
public final class RecoverCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new HostdevException(ErrorCode.INTERNAL, "'recover' is not written yet", null);
    }
}
