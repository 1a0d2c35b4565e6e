package dev.hostdev.launcher.cli;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.DetachOptions;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.cmdline.ManagedDevice;
import dev.hostdev.launcher.cmdline.PreflightChecker;
import dev.hostdev.launcher.cmdline.QemuCapabilities;
import dev.hostdev.launcher.cmdline.QemuDevice;
import dev.hostdev.engine.pci.PciSelectorResolver;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import dev.hostdev.launcher.vm.VfAssignment;
import dev.hostdev.launcher.vm.VmRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hostdev vm cmdline SPEC}: the QEMU command line a spec gives (shell-quoted, pasteable),
 * the slot map, the managed devices and the engine's dry-run detach writes, and the checks 'vm
 * start' makes with their result on this host. Starts nothing and writes nothing; it runs
 * {@code qemu -device help} to check device names (skipped with a note when QEMU is absent).
 */
@Command(name = "cmdline", mixinStandardHelpOptions = true,
        description = "Print the QEMU command line a spec gives, without running anything.")
public final class VmCmdlineCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "The VM spec file (TOML; see docs/spec.md).")
    Path specFile;

    @Option(names = "--paused", description = "Add -S, as 'vm start' does (QEMU waits for 'cont' over QMP).")
    boolean paused;

    @Override
    public Integer call() {
        Sysfs sysfs = common.sysfs();
        LaunchOptions options = LaunchOptions.forHost(common.hostRoot(),
                new VmCommandContext(common, spec.commandLine().getErr()).vmsDir());
        VfAssignment.Assigned assigned = new VfAssignment(sysfs, new VmRegistry(options.vmsDir()))
                .assign(VmSpecLoader.load(specFile, new PciSelectorResolver(common.sysfs())));
        LaunchPlan plan = LaunchPlanner.plan(assigned.spec(), new SysfsPciFacts(sysfs), paused ? options.paused() : options);
        List<String> notes = new ArrayList<>();
        assigned.choices().forEach(c -> notes.add("vm start would choose " + c));
        notes.addAll(plan.notes());
        checkDevices(plan, notes);
        VmCmdlineReport report = new VmCmdlineReport(plan, new PreflightChecker(sysfs).check(plan), currentDrivers(plan, sysfs),
                detachPlan(plan, sysfs), notes);
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            JsonLine.print(out, report.json());
        } else {
            report.printText(out);
        }
        out.flush();
        return 0;
    }

    /** Requires QEMU to know every device of the plan, when QEMU is installed. */
    private static void checkDevices(LaunchPlan plan, List<String> notes) {
        Path binary = Path.of(plan.argv().get(0));
        if (QemuCapabilities.resolve(binary).isEmpty()) {
            notes.add(binary + " not found: device names not checked");
            return;
        }
        QemuCapabilities.of(binary).require(plan.devices().stream().map(QemuDevice::driver).collect(TreeSet::new, TreeSet::add, TreeSet::addAll));
    }

    /**
     * The engine's dry run of the detach 'vm start' would make: the exact sysfs writes, or why it
     * would refuse. Only for devices present here; writes nothing and takes no lock.
     */
    static List<String> detachPlan(LaunchPlan plan, Sysfs sysfs) {
        List<PciAddress> present = plan.managed().stream().map(ManagedDevice::address)
                .filter(a -> sysfs.exists("bus/pci/devices/" + a)).toList();
        if (present.isEmpty()) {
            return List.of();
        }
        try {
            List<String> lines = new ArrayList<>();
            new DeviceBinder(sysfs).detach(present, DetachOptions.defaults().withDrivers(driversOf(plan)).withDryRun(true)).writes()
                    .forEach(w -> lines.add(w.describe()));
            if (lines.isEmpty()) {
                lines.add("(no writes: already on vfio-pci)");
            }
            return lines;
        } catch (HostdevException e) {
            return List.of("vm start would refuse: " + e.getMessage() + (e.hint() == null ? "" : " (" + e.hint() + ")"));
        }
    }

    /** The driver each managed hostdev asks for ({@code driver = …}). */
    private static Map<PciAddress, String> driversOf(LaunchPlan plan) {
        Map<PciAddress, String> out = new TreeMap<>();
        plan.spec().pciHostdevs().stream().filter(h -> h.managed() && h.pci().isPresent()).forEach(h -> out.put(h.pci().get(), h.driver()));
        return out;
    }

    /** Each managed device's driver now: a name, {@code no driver}, or {@code (absent from this host)}. */
    private static Map<PciAddress, String> currentDrivers(LaunchPlan plan, Sysfs sysfs) {
        Map<PciAddress, String> drivers = new TreeMap<>();
        for (ManagedDevice m : plan.managed()) {
            String dir = "bus/pci/devices/" + m.address();
            drivers.put(m.address(), !sysfs.exists(dir) ? "(absent from this host)" : sysfs.linkName(dir + "/driver").orElse("no driver"));
        }
        return drivers;
    }
}
