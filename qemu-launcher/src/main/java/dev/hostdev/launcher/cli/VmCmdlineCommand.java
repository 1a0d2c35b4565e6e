package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** PLACEHOLDER until its owner writes it: Print the QEMU command line a spec gives, without running anything. */
@Command(name = "cmdline", mixinStandardHelpOptions = true, description = "Print the QEMU command line a spec gives, without running anything.")
public final class VmCmdlineCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Override
    public Integer call() {
        throw new HostdevException(ErrorCode.INTERNAL, "'cmdline' is not written yet", null);
    }
}
