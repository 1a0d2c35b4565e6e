package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.DeviceArguments;
import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.launcher.hotplug.AttachResult;
import dev.hostdev.launcher.hotplug.Attacher;
import dev.hostdev.launcher.hotplug.HostDeviceChecks;
import dev.hostdev.launcher.hotplug.HotplugDevice;
import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.soak.DeviceHealth;
import dev.hostdev.launcher.soak.ExchangeGuestCheck;
import dev.hostdev.launcher.soak.GuestCheck;
import dev.hostdev.launcher.soak.LatencyPlot;
import dev.hostdev.launcher.soak.MemorySample;
import dev.hostdev.launcher.soak.ProcessMemory;
import dev.hostdev.launcher.soak.SoakFailure;
import dev.hostdev.launcher.soak.SoakReport;
import dev.hostdev.launcher.soak.SoakRunner;
import dev.hostdev.launcher.soak.VmCycleSteps;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.VmRecord;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hostdev soak NAME DEV… [--emulated MODEL]… --cycles N}: attach → guest check → unplug cycles on a running
 * VM, each judged on QEMU's answers and the guest's {@code DEVICE_DELETED}, host devices' health checked after each
 * release; latency percentiles, memory of Hostdev and QEMU, a JSON result and an SVG plot.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, description = "Hotplug test rig: attach and unplug devices on a running VM"
        + " again and again (as 'hostdev attach' and 'hostdev unplug' do), each cycle judged on QEMU's answers and the guest's"
        + " release of the device (DEVICE_DELETED), with an optional check run in the guest after each attach and, for host PCI"
        + " devices, a health check on the host after each release (config space, PCIe link, power state, driver). Stops at the"
        + " first failed cycle, naming it (exit status of that failure), unless --keep-going. Prints p50/p90/p99/max latency"
        + " of attach, guest-visible, unplug and the whole cycle, and the memory (VmRSS) of Hostdev and QEMU at start and end.")
public final class SoakCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The VM (running), or the spec file it was started from (NAME.toml).")
    String name;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "DEV", description = "Host devices: " + DeviceArguments.SPELLINGS + ".")
    List<String> hostDevices = new ArrayList<>();

    @Option(names = "--emulated", paramLabel = "MODEL", description = "A device QEMU emulates, e.g. e1000e (repeatable).")
    List<String> models = new ArrayList<>();

    @Option(names = "--managed", description = "Detach host PCI devices from their drivers for each attach and give them back"
            + " after each unplug (as 'attach --managed').")
    boolean managed;

    @Option(names = "--cycles", paramLabel = "N", defaultValue = "100", description = "Cycles to run. Default: ${DEFAULT-VALUE}")
    int cycles;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "15", converter = DurationConverter.class,
            description = "How long the guest has to release a device each cycle (or 500ms, 2m). Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Option(names = "--guest-check", paramLabel = "CMD", description = "A shell command run in the guest after each attach (it must"
            + " exit 0; HOSTDEV_SOAK_CYCLE and HOSTDEV_SOAK_IDS are set), through --guest-exchange.")
    String guestCheck;

    @Option(names = "--guest-exchange", paramLabel = "DIR", description = "The host directory shared with the guest over 9p where the"
            + " guest runs N.sh and answers N.rc (the lab guest does; docs/guide.md shows the loop for any guest).")
    Path guestExchange;

    @Option(names = "--guest-timeout", paramLabel = "S", defaultValue = "30", converter = DurationConverter.class,
            description = "How long the guest check may take. Default: ${DEFAULT-VALUE}")
    Duration guestTimeout;

    @Option(names = "--keep-going", description = "Run every cycle, counting failures, instead of stopping at the first.")
    boolean keepGoing;

    @Option(names = "--plot", paramLabel = "FILE.svg", description = "Write the latencies over the cycles as an SVG chart.")
    Path plot;

    @Option(names = "--progress", description = "A progress line on stderr even when stderr is not a terminal (it is shown on a terminal).")
    boolean progress;

    @Mixin
    DryRunOption dryRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (name.endsWith(".toml")) {
            name = dev.hostdev.launcher.spec.VmSpecLoader.load(Path.of(name), new dev.hostdev.engine.pci.PciSelectorResolver(common.sysfs())).name();
        }
        List<HotplugDevice> devices = devices();
        if (cycles < 1) {
            throw HostdevException.usage("--cycles must be at least 1, not " + cycles, null);
        }
        if ((guestCheck == null) != (guestExchange == null)) {
            throw HostdevException.usage(guestCheck == null ? "--guest-exchange needs --guest-check" : "--guest-check needs --guest-exchange DIR",
                    "the check runs in the guest through a directory shared over 9p (docs/guide.md, 'A hotplug rig')");
        }
        if (plot != null && !plot.getFileName().toString().endsWith(".svg")) {
            throw HostdevException.usage("--plot writes SVG: give a file name ending in .svg, not " + plot, null);
        }
        RunningVm vm = new VmCommandContext(common, err).runningVm(name);
        List<String> ids = freeIds(vm.record(), devices.size());
        SysfsPciFacts facts = new SysfsPciFacts(common.sysfs());
        HostDeviceChecks checks = new HostDeviceChecks(common.sysfs());
        GuestCheck check = guestCheck == null ? null : new ExchangeGuestCheck(guestExchange, guestCheck, guestTimeout);
        List<dev.hostdev.engine.pci.PciAddress> hostPci = SoakRunner.hostPci(devices);
        DeviceHealth health = hostPci.isEmpty() ? null : new DeviceHealth(common.sysfs(), hostPci);
        if (dryRun.enabled()) {
            return dryRun(out, vm, facts, checks, devices, ids, health);
        }
        VmRecord r = vm.record();
        RunningVm.requireLive(r, r.effectiveState(), "soak");
        long qemuPid = r.qemu() == null ? -1 : r.qemu().pid();
        ProcessMemory mem = ProcessMemory.system();
        long self = ProcessHandle.current().pid();
        SoakProgress line = new SoakProgress(err, cycles, progress || SoakProgress.stderrIsTerminal());
        SoakReport report = new SoakRunner(name, devices, ids, new VmCycleSteps(vm, facts, checks, timeout), check, health,
                () -> new MemorySample(mem.rssKib(self), mem.rssKib(qemuPid))).run(cycles, keepGoing, line);
        line.finish();
        if (plot != null) {
            writePlot(report);
        }
        if (json.enabled()) {
            JsonLine.print(out, SoakJson.report(report, plot));
        } else {
            SoakText.print(out, report, plot);
        }
        out.flush();
        SoakFailure first = report.firstFailure();
        if (first == null) {
            return 0;
        }
        if (!json.enabled()) {
            err.println("hostdev: " + (report.stoppedEarly() ? "stopped at " : "first failure: ") + first.describe());
            if (first.hint() != null) {
                err.println("hint: " + first.hint());
            }
            err.flush();
        }
        return first.code().exitStatus();
    }

    private int dryRun(PrintWriter out, RunningVm vm, SysfsPciFacts facts, HostDeviceChecks checks, List<HotplugDevice> devices,
                       List<String> ids, DeviceHealth health) {
        Attacher attacher = new Attacher(vm, facts, checks);
        List<String> lines = new ArrayList<>();
        List<AttachResult> plans = new ArrayList<>();
        lines.add("soak VM " + name + ": " + cycles + " cycle(s), each as cycle 1 (ids " + String.join(", ", ids) + " with -N in cycle N):");
        for (int i = 0; i < devices.size(); i++) {
            AttachResult a = attacher.attach(devices.get(i), SoakRunner.idOf(ids.get(i), 1), true);
            plans.add(a);
            a.plan().lines().forEach(l -> lines.add("  " + l));
        }
        if (guestCheck != null) {
            lines.add("  guest check through " + guestExchange + " (up to " + guestTimeout.toSeconds() + " s): " + guestCheck);
        }
        for (int i = devices.size() - 1; i >= 0; i--) {
            String id = SoakRunner.idOf(ids.get(i), 1);
            lines.add("  unplug " + id + ": " + QmpCall.deviceDel(id).render() + ", wait up to " + timeout.toSeconds()
                    + " s for DEVICE_DELETED" + (plans.get(i).device().managed() ? ", give " + plans.get(i).device().host() + " back" : ""));
            if (health != null && devices.get(i) instanceof HotplugDevice.HostPci p) {
                lines.add("  health of " + p.address() + ": " + String.join("; ", health.describe(p.address())));
            }
        }
        lines.add(keepGoing ? "run every cycle, counting failures" : "stop at the first failed cycle");
        if (json.enabled()) {
            ObjectNode o = JsonLine.object();
            o.put("vm", name).put("dry_run", true).put("cycles_requested", cycles);
            ArrayNode ds = o.putArray("devices");
            for (int i = 0; i < devices.size(); i++) {
                ObjectNode d = ds.addObject();
                d.put("device", devices.get(i).describe()).put("id", ids.get(i));
                d.set("device_add", plans.get(i).deviceAdd());
                d.set("sysfs_writes", JsonLine.writes(plans.get(i).writes()));
            }
            ArrayNode steps = o.putArray("steps");
            lines.forEach(steps::add);
            JsonLine.print(out, o);
        } else {
            lines.forEach(out::println);
        }
        out.flush();
        return 0;
    }

    private void writePlot(SoakReport report) {
        try {
            Files.writeString(plot, LatencyPlot.svg(report), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot write the plot " + plot + ": " + e.getMessage(),
                    "check the directory exists and is writable", e);
        }
    }

    /**
     * Id stems {@code soak1}, {@code soak2}… (cycle N's ids are {@code soak1-N}…), skipping stems of ids the VM has: a
     * device an earlier soak left pending keeps its id.
     */
    static List<String> freeIds(VmRecord r, int count) {
        java.util.Set<String> taken = new java.util.HashSet<>();
        r.devices().forEach(d -> taken.add(d.id()));
        r.slots().slots().forEach(s -> taken.add(s.occupant()));
        List<String> ids = new ArrayList<>();
        for (int n = 1; ids.size() < count; n++) {
            String stem = "soak" + n;
            if (taken.stream().noneMatch(t -> t != null && (t.equals(stem) || t.startsWith(stem + "-")))) {
                ids.add(stem);
            }
        }
        return ids;
    }

    private List<HotplugDevice> devices() {
        List<HotplugDevice> devices = new ArrayList<>();
        for (String d : hostDevices) {
            DeviceRef ref = DeviceArguments.resolve(d, common.sysfs());
            if (ref instanceof DeviceRef.Pci p) {
                devices.add(new HotplugDevice.HostPci(p.address(), managed));
            } else {
                devices.add(new HotplugDevice.HostUsb(ref));
            }
        }
        for (String m : models) {
            try {
                devices.add(new HotplugDevice.Emulated(m));
            } catch (IllegalArgumentException e) {
                throw HostdevException.usage("not a QEMU device name: '" + m + "'", "see: qemu-system-x86_64 -device help");
            }
        }
        if (devices.isEmpty()) {
            throw HostdevException.usage("name the devices to soak: DEV or --emulated MODEL", "see 'hostdev soak --help'");
        }
        if (managed && devices.stream().noneMatch(d -> d instanceof HotplugDevice.HostPci)) {
            throw HostdevException.usage("--managed is for host PCI devices", null);
        }
        return devices;
    }
}
