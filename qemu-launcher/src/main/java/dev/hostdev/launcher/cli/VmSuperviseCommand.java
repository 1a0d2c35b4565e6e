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
 * {@code hostdev vm supervise NAME} (hidden): with {@code --qemu-pid PID --after-exit STATUS}, exec'd by the VM's
 * waiter once QEMU has ended, records the end and gives managed devices back; without, waits for the VM's QEMU to
 * end on its monitor and does the same. Safe to run by hand: it returns once the VM is cleaned up.
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

    @picocli.CommandLine.Option(names = "--after-exit", paramLabel = "STATUS",
            description = "QEMU has ended with this exit status (128+N: signal N): clean up now (its waiter passes it).")
    Integer afterExit;

    @picocli.CommandLine.Option(names = "--qemu-pid", paramLabel = "PID", description = "The QEMU that ended (with --after-exit).")
    Long qemuPid;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        VmCommandContext ctx = new VmCommandContext(common, spec.commandLine().getErr());
        VmRuntimeDir dir = ctx.registry().dir(name);
        if (afterExit != null) {
            if (qemuPid == null || afterExit < 0 || afterExit > 255) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--after-exit needs a status 0-255 and --qemu-pid");
            }
            Supervisor.afterExit(dir, ctx.managed(name), qemuPid, afterExit, out);
            return 0;
        }
        Supervisor.watch(dir, ctx.managed(name), out);
        return 0;
    }
}
