package dev.hostdev.launcher.cli;

import dev.hostdev.launcher.vm.ForegroundVm;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.vm.StartOptions;
import dev.hostdev.launcher.vm.StartPlan;
import dev.hostdev.launcher.vm.StartPlanner;
import dev.hostdev.launcher.vm.Supervisor;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmStarter;
import dev.hostdev.launcher.vm.VmStatusJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hostdev vm start SPEC}: checks the devices, detaches the managed ones, starts QEMU paused,
 * verifies its devices over QMP and resumes it; returns once QMP answers and leaves a supervisor
 * that gives the managed devices back when QEMU ends. {@code --foreground} stays attached instead.
 * The plan and the start are the library's ({@link StartPlanner}, {@link VmStarter}); this only prints.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = {
    "Start a VM from a spec: check devices, detach managed ones, start QEMU paused, verify devices over QMP, resume.",
    "Anything that fails undoes what was done. When QEMU ends (stop, crash, kill) managed devices are given back."})
public final class VmStartCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The VM spec file (TOML).")
    Path specFile;

    @Option(names = "--foreground", description = "Stay attached until QEMU ends, then give managed devices back (no supervisor).")
    boolean foreground;

    @Option(names = "--dry-run", description = "Print the checks, sysfs writes, QEMU command line and QMP commands; do nothing.")
    boolean dryRun;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "30",
            description = "Seconds QEMU may take until its QMP socket answers. Default: ${DEFAULT-VALUE}")
    long timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VmCommandContext ctx = new VmCommandContext(common, err);
        StartPlan plan = new StartPlanner(common.sysfs(), ctx.registry()).plan(specFile, ctx::managed, n -> err.println("note: " + n));
        ManagedDevices managed = ctx.managed(plan.launch().spec().name());
        if (dryRun) {
            plan.describe().lines().forEach(out::println);
            out.flush();
            return 0;
        }
        VmRuntimeDir dir = new VmRuntimeDir(plan.launch().spec().name(), plan.launch().paths());
        PrintWriter progress = json.enabled() ? err : out;
        long t0 = System.nanoTime();
        VmStarter.Started started;
        try (VmRuntimeDir.Lock lock = dir.lock("start", Duration.ofSeconds(10))) {
            StartOptions startOptions = new StartOptions(foreground, Duration.ofSeconds(timeoutSeconds), progress, ctx.verbose(),
                    foreground ? null : d -> Supervisor.spawn(d, ctx.vmsDir(), common.hostRoot().path()));
            started = new VmStarter(dir, managed, startOptions).start(plan);
        }
        VmRecord r = dir.require();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (json.enabled()) {
            out.println(VmStatusJson.of(r, r.state(), dir).toPrettyString());
        } else {
            out.printf("started VM %s (QEMU pid %d) in %d ms; QMP socket %s%n", r.name(), r.qemu().pid(), ms, dir.qmpSocket());
        }
        out.flush();
        if (foreground) {
            new ForegroundVm(dir, managed, progress).stayAttached(started);
        }
        return 0;
    }
}
