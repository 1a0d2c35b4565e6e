package dev.hostdev.launcher.cli;

import dev.hostdev.launcher.vm.Supervisor;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hostdev vm supervise NAME} (hidden): started by {@code vm start}, waits for the VM's QEMU to
 * end and gives its managed devices back. Safe to run by hand: it returns once the VM is cleaned up.
 */
@Command(name = "supervise", hidden = true, mixinStandardHelpOptions = true,
        description = "Wait for a VM's QEMU to end, then give its managed devices back (started by 'vm start').")
public final class VmSuperviseCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The VM.")
    String name;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        VmCommandContext ctx = new VmCommandContext(common, spec.commandLine().getErr());
        VmRuntimeDir dir = ctx.registry().dir(name);
        Supervisor.watch(dir, ctx.managed(name), out);
        return 0;
    }
}
