package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.cmdline.ManagedDevice;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.cmdline.PreflightChecker;
import dev.hostdev.launcher.cmdline.PreflightReport;
import dev.hostdev.launcher.vm.StartOptions;
import dev.hostdev.launcher.vm.ShutdownListener;
import dev.hostdev.launcher.vm.Supervisor;
import dev.hostdev.launcher.vm.VmEnd;
import dev.hostdev.launcher.vm.VmCleanup;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmStarter;
import dev.hostdev.launcher.vm.VmState;
import dev.hostdev.launcher.vm.VmStatusJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
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

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "30", converter = DurationConverter.class,
            description = "Seconds QEMU may take until its QMP socket answers (or 500ms, 2m). Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VmCommandContext ctx = new VmCommandContext(common, err);
        VmSpec vm = VmSpecLoader.load(specFile);
        Sysfs sysfs = common.sysfs();
        SysfsPciFacts facts = new SysfsPciFacts(sysfs);
        LaunchOptions options = LaunchOptions.forHost(common.hostRoot(), ctx.vmsDir()).paused();
        LaunchPlan first = LaunchPlanner.plan(vm, facts, options);
        PreflightReport report = new PreflightChecker(sysfs).check(first);
        report.throwIfFailed();
        Set<String> omitted = report.omitted();
        LaunchPlan plan = omitted.isEmpty() ? first : LaunchPlanner.plan(vm, facts, options.omitting(omitted));
        plan.notes().forEach(n -> err.println("note: " + n));
        ManagedDevices managed = ctx.managed(vm.name());
        VmRuntimeDir dir = new VmRuntimeDir(vm.name(), plan.paths());
        if (dryRun && json.enabled()) {
            JsonLine.print(out, dryRunJson(plan, managed));
            return 0;
        }
        if (dryRun) {
            printDryRun(out, plan, managed);
            return 0;
        }
        PrintWriter progress = json.enabled() ? err : out;
        long t0 = System.nanoTime();
        VmStarter.Started started;
        try (VmRuntimeDir.Lock lock = dir.lock("start", Duration.ofSeconds(10))) {
            StartOptions startOptions = new StartOptions(foreground, timeout, progress, ctx.verbose(),
                    foreground ? null : d -> Supervisor.spawn(d, ctx.vmsDir(), common.hostRoot().path()));
            started = new VmStarter(dir, managed, startOptions).start(plan, specFile);
        }
        VmRecord r = dir.require();
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (json.enabled()) {
            JsonLine.print(out, VmStatusJson.of(r, r.state(), dir).put("dry_run", false));
        } else {
            out.printf("started VM %s (QEMU pid %d) in %d ms; QMP socket %s%n", r.name(), r.qemu().pid(), ms, dir.qmpSocket());
        }
        out.flush();
        if (foreground) {
            return stayAttached(started, dir, managed, progress);
        }
        return 0;
    }

    private int stayAttached(VmStarter.Started started, VmRuntimeDir dir, ManagedDevices managed, PrintWriter out) throws InterruptedException {
        out.println("staying attached until QEMU ends (Ctrl-C quits QEMU; managed devices are then given back)");
        out.flush();
        Thread cleanupOnSignal = new Thread(() -> {
            ProcessHandle.of(started.qemu().pid()).ifPresent(h -> {
                try {
                    h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // clean up whatever the outcome
                }
            });
            new VmCleanup(dir, managed, out).afterExit();
        });
        Runtime.getRuntime().addShutdownHook(cleanupOnSignal);
        VmEnd end;
        try (ShutdownListener listener = ShutdownListener.connect(dir, started.record().qemu(), Duration.ofSeconds(10), out)) {
            end = listener.awaitEnd(heard -> { });
        }
        while (started.qemu().isAlive()) {
            Thread.sleep(100);
        }
        Runtime.getRuntime().removeShutdownHook(cleanupOnSignal);
        int status = started.qemu().exitValue();
        if (status == 0 && end.reason().equals(VmEnd.NO_SHUTDOWN_EVENT)) {
            // a clean exit (guest power-off, QMP quit) is a stop, not a crash: only the parent can tell
            try (VmRuntimeDir.Lock lock = dir.lock("stop", Duration.ofSeconds(10))) {
                VmRecord r = dir.require();
                if (r.state() == VmState.RUNNING || r.state() == VmState.PAUSED) {
                    dir.write(r.withState(VmState.STOPPING));
                }
            }
        }
        VmRecord after = new VmCleanup(dir, managed, out).afterExit(end);
        out.println("QEMU exited with status " + status + (after.ended() == null ? "" : ": " + after.ended().describe()));
        out.println("VM " + after.name() + " is " + after.state().jsonName());
        out.flush();
        return 0;
    }

    /** The dry run as JSON: the same steps {@link #printDryRun} prints, as data. */
    private ObjectNode dryRunJson(LaunchPlan plan, ManagedDevices managed) {
        var o = JsonLine.object();
        o.put("name", plan.spec().name()).put("dry_run", true);
        var checks = o.putArray("checks");
        plan.checks().forEach(c -> checks.add(c.describe()));
        o.set("detach_writes", JsonLine.writes(plan.managed().isEmpty() ? List.of()
                : managed.detach(plan.managed().stream().map(ManagedDevice::address).toList(), true).writes()));
        var argv = o.putArray("argv");
        plan.argv().forEach(argv::add);
        o.put("qemu_log", plan.paths().dir().resolve("qemu.log").toString());
        o.put("qmp_socket", plan.paths().qmpSocket().toString());
        var qmp = o.putArray("qmp");
        qmp.addObject().put("execute", "qmp_capabilities");
        qmp.addObject().put("execute", "qom-list").putObject("arguments").put("path", "/machine/peripheral");
        qmp.addObject().put("execute", "cont");
        var expect = o.putArray("expect_devices");
        plan.devices().forEach(d -> expect.add(d.id()));
        o.put("supervisor", !foreground);
        return o;
    }

    private static void printDryRun(PrintWriter out, LaunchPlan plan, ManagedDevices managed) {
        out.println("# vm start " + plan.spec().name() + " --dry-run: nothing is changed");
        out.println("1. checks:");
        plan.checks().forEach(c -> out.println("  " + c.describe()));
        if (plan.checks().isEmpty()) {
            out.println("  nothing");
        }
        out.println("2. detach managed devices to vfio-pci:");
        if (plan.managed().isEmpty()) {
            out.println("  none");
        } else {
            BindResult r = managed.detach(plan.managed().stream().map(ManagedDevice::address).toList(), true);
            VmCommandContext.printWrites(out, r);
        }
        out.println("3. run (paused, in its own session; output to " + plan.paths().dir().resolve("qemu.log") + "):");
        out.println("  " + String.join(" ", plan.argv().stream().map(ShellQuote::quote).toList()));
        out.println("4. QMP on " + plan.paths().qmpSocket() + ":");
        out.println("  {\"execute\":\"qmp_capabilities\"}");
        out.println("  {\"execute\":\"qom-list\",\"arguments\":{\"path\":\"/machine/peripheral\"}}  (expect: "
                + String.join(", ", plan.devices().stream().map(d -> d.id()).toList()) + ")");
        out.println("  {\"execute\":\"cont\"}");
        out.println("5. start 'hostdev vm supervise " + plan.spec().name() + "' to give managed devices back when QEMU ends");
        out.flush();
    }
}
