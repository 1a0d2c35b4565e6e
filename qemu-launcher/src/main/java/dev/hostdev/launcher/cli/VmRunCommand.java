package dev.hostdev.launcher.cli;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.vm.SdNotify;
import dev.hostdev.launcher.placement.StartPlacement;
import dev.hostdev.launcher.vm.ServiceVm;
import dev.hostdev.launcher.vm.StartOptions;
import dev.hostdev.launcher.vm.StartPlan;
import dev.hostdev.launcher.vm.StartPlanner;
import dev.hostdev.launcher.vm.StopSignals;
import dev.hostdev.launcher.vm.VmRunEnd;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmStarter;
import dev.hostdev.launcher.vm.VfLocks;
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
 * {@code hostdev vm run SPEC}: starts a VM as {@code vm start} does (same plan, same all-or-nothing start)
 * and stays with it in the foreground, for a service manager ({@code Type=notify} systemd units): READY=1
 * once QMP answers, SIGTERM powers the guest off, and the exit status says how the VM ended.
 */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
    "Run a VM in the foreground for a service manager (systemd Type=notify): start it as 'vm start' does, notify READY=1 "
        + "on $NOTIFY_SOCKET once QMP answers, and stay until QEMU ends.",
    "SIGTERM (systemctl stop), SIGINT or SIGHUP powers the guest off (system_powerdown), quits QEMU after --stop-timeout, "
        + "then SIGTERM and SIGKILL ('hostdev vm stop NAME' from elsewhere does the same). Managed devices are given back "
        + "however it ends. The exit status says how the VM ended."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {VmRunCommand.STATUS_POWERED_OFF, VmRunCommand.STATUS_CRASHED, VmRunCommand.STATUS_FORCED,
            VmRunCommand.STATUS_KILLED, "2-12:the VM did not start, as for 'vm start' (8: QEMU failed to start; 10: its QMP did not answer in time)",
            "70:internal error (a bug in Hostdev)"})
public final class VmRunCommand implements Callable<Integer> {
    /** The exit statuses of the ends ({@link VmRunEnd}), for the help and the man page; a test holds them to the enum. */
    static final String STATUS_POWERED_OFF = "0:the guest powered off (by itself, or asked on a stop signal)";
    static final String STATUS_CRASHED = "8:QEMU crashed, or the guest panicked";
    static final String STATUS_FORCED = "10:forced off: the guest did not power off within the stop timeout";
    static final String STATUS_KILLED = "13:QEMU was killed by a signal, or quit by another process";

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The VM spec file (TOML), e.g. /etc/hostdev/vms/NAME.toml.")
    Path specFile;

    @Mixin
    DryRunOption dryRun;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "30", converter = DurationConverter.class,
            description = "Seconds QEMU may take until its QMP socket answers (or 500ms, 2m). Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Option(names = "--stop-timeout", paramLabel = "S", defaultValue = "60", converter = DurationConverter.class,
            description = "Seconds the guest gets to power off after a stop signal before QEMU is quit (keep systemd's "
                    + "TimeoutStopSec= at least 20 s longer). Default: ${DEFAULT-VALUE}")
    Duration stopTimeout;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SdNotify notify = SdNotify.fromEnvironment(System.getenv(), err);
        VmCommandContext ctx = new VmCommandContext(common, err);
        // Held from choosing VFs (vf_of) until the record names them, as vm start does: two starts never share a VF.
        try (VfLocks vfLocks = dryRun.enabled() ? null : VfLocks.forSpec(specFile, common.sysfs(), "hostdev vm run " + specFile.getFileName())) {
            return run(out, err, notify, ctx, vfLocks);
        }
    }

    private Integer run(PrintWriter out, PrintWriter err, SdNotify notify, VmCommandContext ctx, VfLocks vfLocks) throws Exception {
        StartPlan plan = new StartPlanner(common.sysfs(), ctx.vmsDir()).plan(specFile, ctx::managed, n -> err.println("note: " + n));
        String name = plan.launch().spec().name();
        ManagedDevices managed = ctx.managed(name);
        if (dryRun.enabled()) {
            ServiceVm.plan(plan, stopTimeout, notify).lines().forEach(out::println);
            out.flush();
            return 0;
        }
        VmRuntimeDir dir = new VmRuntimeDir(name, plan.launch().paths());
        ServiceVm service = new ServiceVm(dir, managed, notify, stopTimeout, out);
        // before the start: a signal during it is kept and acted on once the VM runs, never leaving QEMU behind
        StopSignals.install(signal -> {
            out.println("received " + signal);
            out.flush();
            service.requestStop();
        });
        VmStarter.Started started;
        dir.create(); // the lock lives in the VM's directory, which only vm start and vm run create
        try (VmRuntimeDir.Lock lock = dir.lock("start", Duration.ofSeconds(10))) {
            // QEMU in a session of its own (foreground=false): Ctrl-C reaches only this process, which powers the guest off
            StartOptions startOptions = new StartOptions(false, timeout, out, ctx.verbose(), null);
            started = new VmStarter(dir, managed, startOptions, StartPlacement.of(common.sysfs())).start(plan);
        }
        if (vfLocks != null) {
            vfLocks.close(); // the record names the VFs now: another start sees them as claimed
        }
        out.printf("started VM %s (QEMU pid %d); QMP socket %s%n", name, started.qemu().pid(), dir.qmpSocket());
        ServiceVm.Outcome outcome = service.run(started);
        String words = outcome.words();
        if (outcome.end() == VmRunEnd.POWERED_OFF) {
            out.println(words);
        }
        out.println("VM " + name + " is " + outcome.record().state().jsonName());
        out.flush();
        if (outcome.end() == VmRunEnd.POWERED_OFF) {
            return 0;
        }
        throw new HostdevException(outcome.end().code(), words, hint(outcome.end(), dir));
    }

    private static String hint(VmRunEnd end, VmRuntimeDir dir) {
        String name = dir.name();
        return switch (end) {
            case FORCED -> "give the guest longer (--stop-timeout and TimeoutStopSec= in its unit, or vm stop's --timeout), or make it honour the ACPI "
                    + "power button (acpid, systemd-logind)";
            case KILLED -> "see who ended QEMU: another QMP client's quit, or a signal ('journalctl -k' shows the OOM killer); "
                    + "stop a VM under systemd with 'systemctl stop hostdev@" + name + "'";
            case CRASHED -> "see QEMU's log, " + dir.qemuLog() + ", and 'hostdev vm status " + name + "'";
            case POWERED_OFF -> null;
        };
    }
}
