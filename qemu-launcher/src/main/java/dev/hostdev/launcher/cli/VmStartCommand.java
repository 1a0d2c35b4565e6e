package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.vm.ForegroundVm;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.vm.StartOptions;
import dev.hostdev.launcher.vm.StartPlan;
import dev.hostdev.launcher.vm.StartPlanner;
import dev.hostdev.launcher.vm.Supervisor;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.placement.StartPlacement;
import dev.hostdev.launcher.vm.VmStarter;
import dev.hostdev.launcher.vm.VmStatusJson;
import dev.hostdev.launcher.vm.VfLocks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hostdev vm start SPEC}: checks the devices, detaches the managed ones, starts QEMU paused,
 * verifies its devices over QMP and resumes it; returns once QMP answers and leaves a supervisor
 * that gives the managed devices back when QEMU ends. {@code --foreground} stays attached instead.
 * The plan and the start are the library's ({@link StartPlanner}, {@link VmStarter}); this only prints.
 */
@Command(name = "start", mixinStandardHelpOptions = true, description = {
    "Start a VM from a spec: check devices, detach managed ones, start QEMU paused, verify devices over QMP, resume.",
    "Anything that fails undoes what was done. When QEMU ends (stop, crash, kill) managed devices are given back."})
public final class VmStartCommand extends PrintingCommand {
    /** {@code --timeout}'s default. */
    static final String DEFAULT_TIMEOUT = "30";

    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The VM spec file (TOML).")
    Path specFile;

    @Option(names = "--foreground", description = "Stay attached until QEMU ends, then give managed devices back (no supervisor).")
    boolean foreground;

    @Mixin
    DryRunOption dryRun;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = DEFAULT_TIMEOUT, converter = DurationConverter.class,
            description = "Seconds QEMU may take until its QMP socket answers (or 500ms, 2m). Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        PrintWriter err = err();
        VmCommandContext ctx = new VmCommandContext(common, err);
        // Held from choosing VFs (vf_of) until the record names them, so two starts never choose the same VF.
        try (VfLocks vfLocks = dryRun.enabled() ? null : VfLocks.forSpec(specFile, common.sysfs(), "hostdev vm start " + specFile.getFileName())) {
            return start(out, err, ctx, vfLocks);
        }
    }

    private Integer start(PrintWriter out, PrintWriter err, VmCommandContext ctx, VfLocks vfLocks) throws Exception {
        StartPlan plan = new StartPlanner(common.sysfs(), ctx.vmsDir()).plan(specFile, ctx::managed, n -> err.println("note: " + n));
        ManagedDevices managed = ctx.managed(plan.launch().spec().name());
        if (dryRun.enabled() && json.enabled()) {
            JsonLine.print(out, dryRunJson(plan));
            return 0;
        }
        if (dryRun.enabled()) {
            plan.describe().lines().forEach(out::println);
            out.flush();
            return 0;
        }
        VmRuntimeDir dir = new VmRuntimeDir(plan.launch().spec().name(), plan.launch().paths());
        PrintWriter progress = json.enabled() ? err : out;
        long t0 = System.nanoTime();
        VmStarter.Started started;
        dir.create(); // the lock lives in the VM's directory, which only vm start creates
        try (VmRuntimeDir.Lock lock = dir.lock("start", Duration.ofSeconds(10))) {
            StartOptions startOptions = new StartOptions(foreground, timeout, progress, ctx.verbose(),
                    foreground ? null : d -> Supervisor.cleanup(d, ctx.vmsDir(), common.hostRoot().path()));
            started = new VmStarter(dir, managed, startOptions, StartPlacement.of(common.sysfs())).start(plan);
        }
        if (vfLocks != null) {
            vfLocks.close(); // the record names the VFs now: another start sees them as claimed
        }
        VmRecord r = dir.require();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (json.enabled()) {
            JsonLine.print(out, VmStatusJson.of(r, r.state(), dir).put("dry_run", false));
        } else {
            out.printf("started VM %s (QEMU pid %d) in %d ms%s; QMP socket %s%n", r.name(), r.qemu().pid(), ms,
                    ProcessClock.waited(Duration.ofMillis(ms)).map(w -> ", " + w).orElse(""), dir.qmpSocket());
        }
        out.flush();
        if (foreground) {
            new ForegroundVm(dir, managed, progress).stayAttached(started);
        }
        return 0;
    }

    /** The dry run as JSON: the same plan the text prints, as data. */
    private ObjectNode dryRunJson(StartPlan plan) {
        var o = JsonLine.object();
        o.put("name", plan.launch().spec().name()).put("dry_run", true);
        var checks = o.putArray("checks");
        plan.checked().forEach(checks::add);
        o.set("detach_writes", JsonLine.writes(plan.detachWrites()));
        var argv = o.putArray("argv");
        plan.argv().forEach(argv::add);
        o.put("qemu_log", plan.launch().paths().dir().resolve("qemu.log").toString());
        o.put("qmp_socket", plan.launch().paths().qmpSocket().toString());
        var qmp = o.putArray("qmp");
        qmp.addObject().put("execute", "qmp_capabilities");
        qmp.add(QmpCall.listPeripherals().json());
        qmp.add(QmpCall.cont().json());
        var expect = o.putArray("expect_devices");
        plan.launch().devices().forEach(d -> expect.add(d.id()));
        o.put("supervisor", !foreground);
        return o;
    }
}
