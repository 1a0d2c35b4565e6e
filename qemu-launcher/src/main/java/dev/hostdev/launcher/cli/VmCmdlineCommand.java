package dev.hostdev.launcher.cli;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.bind.DetachOptions;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.cmdline.ManagedDevice;
import dev.hostdev.launcher.cmdline.PreflightCheck;
import dev.hostdev.launcher.cmdline.PreflightChecker;
import dev.hostdev.launcher.cmdline.PreflightReport;
import dev.hostdev.launcher.cmdline.QemuCapabilities;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.topology.BridgePlan;
import dev.hostdev.launcher.topology.RootPortPlan;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hostdev vm cmdline SPEC}: prints the QEMU command line a spec gives (shell-quoted, one
 * option and its value per line, pasteable), the slot map, the managed devices that would be
 * detached and the checks made before start. Runs nothing but {@code qemu -device help} to check
 * device names (skipped with a note when QEMU is absent).
 */
@Command(name = "cmdline", mixinStandardHelpOptions = true,
        description = "Print the QEMU command line a spec gives, without running anything.")
public final class VmCmdlineCommand implements Callable<Integer> {
    /** Options that take no value: printed alone on their line. */
    private static final Set<String> FLAGS = Set.of("-nodefaults", "-no-user-config", "-S");

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
        VmSpec vm = VmSpecLoader.load(specFile);
        Sysfs sysfs = common.sysfs();
        LaunchOptions options = LaunchOptions.forHost(common.hostRoot());
        LaunchPlan plan = LaunchPlanner.plan(vm, new SysfsPciFacts(sysfs), paused ? options.paused() : options);
        List<String> notes = new java.util.ArrayList<>(plan.notes());
        checkDevices(plan, notes);
        PreflightReport report = new PreflightChecker(sysfs).check(plan);
        List<String> detach = detachPlan(plan, sysfs);
        PrintWriter out = spec.commandLine().getOut();
        if (json.enabled()) {
            var o = plan.toJson();
            var d = o.putArray("detach_plan");
            detach.forEach(d::add);
            var pre = o.putArray("preflight");
            for (PreflightCheck c : plan.checks()) {
                var e = pre.addObject().put("check", c.describe());
                report.problems().stream().filter(p -> p.check().equals(c)).findFirst().ifPresentOrElse(
                        p -> e.put("ok", false).put("problem", p.error().getMessage()),
                        () -> e.put("ok", true).put("omitted", report.omitted().contains(hostdevId(c))));
            }
            var n = o.putArray("notes");
            notes.forEach(n::add);
            out.println(o.toPrettyString());
        } else {
            printText(out, plan, sysfs, notes, report, detach);
        }
        out.flush();
        return 0;
    }

    private static void checkDevices(LaunchPlan plan, List<String> notes) {
        Path binary = Path.of(plan.argv().get(0));
        if (QemuCapabilities.resolve(binary).isEmpty()) {
            notes.add(binary + " not found: device names not checked");
            return;
        }
        Set<String> drivers = new TreeSet<>();
        plan.devices().forEach(d -> drivers.add(d.driver()));
        QemuCapabilities.of(binary).require(drivers);
    }

    private static String hostdevId(PreflightCheck c) {
        return c instanceof PreflightCheck.UsbDevice u ? u.hostdevId() : "";
    }

    private static void printText(PrintWriter out, LaunchPlan plan, Sysfs sysfs, List<String> notes, PreflightReport report,
                                  List<String> detach) {
        out.println("# QEMU command line of VM '" + plan.spec().name() + "' (accel " + plan.accel().qemuName() + ")");
        List<String> argv = plan.argv();
        StringBuilder line = new StringBuilder(ShellQuote.quote(argv.get(0)));
        for (int i = 1; i < argv.size(); i++) {
            String arg = argv.get(i);
            out.println(line + " \\");
            line = new StringBuilder("  ").append(ShellQuote.quote(arg));
            if (arg.startsWith("-") && !FLAGS.contains(arg) && i + 1 < argv.size()) {
                line.append(' ').append(ShellQuote.quote(argv.get(++i)));
            }
        }
        out.println(line);
        out.println();
        out.println("# Slots (guest bus:addr):");
        for (RootPortPlan p : plan.topology().rootPorts()) {
            out.printf("#   %-7s pcie.0:%-7s %-8s %s%n", p.port().id(), p.port().placement().addr(), p.role().jsonName(),
                    p.occupant().orElse("free") + reservation(p));
        }
        plan.topology().bridge().ifPresent(b -> printBridge(out, b));
        out.println("# Managed devices (detached from their host driver to vfio-pci before QEMU starts, given back when it ends):");
        if (plan.managed().isEmpty()) {
            out.println("#   none");
        }
        for (ManagedDevice m : plan.managed()) {
            out.printf("#   %s  %-10s now on %s -> vfio-pci%n", m.address(), m.hostdevId(), driverOf(sysfs, m.address()));
        }
        if (!detach.isEmpty()) {
            out.println("# Detach plan (the sysfs writes 'vm start' makes first, as 'hostdev detach --dry-run' shows them):");
            detach.forEach(step -> out.println("#   " + step));
        }
        out.println("# Checked before start (as this host is now):");
        if (plan.checks().isEmpty()) {
            out.println("#   nothing");
        }
        for (PreflightCheck c : plan.checks()) {
            String status = report.problems().stream().filter(p -> p.check().equals(c)).findFirst()
                    .map(p -> "FAILS: " + p.error().getMessage())
                    .orElse(report.omitted().contains(hostdevId(c)) ? "missing: left out (optional)" : "ok");
            out.println("#   " + c.describe() + ": " + status);
        }
        for (String n : notes) {
            out.println("# note: " + n);
        }
    }

    private static void printBridge(PrintWriter out, BridgePlan b) {
        out.printf("#   %-7s on %-7s pcie-pci-bridge, slots: %s%n", b.id(), b.rootPort(),
                b.occupants().isEmpty() ? "all free" : b.occupants().entrySet().stream()
                        .map(e -> String.format("0x%x %s", e.getKey(), e.getValue())).toList()
                        + ", " + b.freeSlots().size() + " free");
    }

    private static String reservation(RootPortPlan p) {
        StringBuilder b = new StringBuilder();
        p.reservation().pref64().ifPresent(m -> b.append(" pref64-reserve=").append(m));
        p.reservation().mem().ifPresent(m -> b.append(" mem-reserve=").append(m));
        p.reservation().busReserve().ifPresent(n -> b.append(" bus-reserve=").append(n));
        p.reservation().forDevice().ifPresent(a -> b.append(" (sized for ").append(a).append(')'));
        return b.toString();
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
            BindResult dry = new DeviceBinder(sysfs).detach(present, DetachOptions.defaults().withDryRun(true));
            List<String> lines = new java.util.ArrayList<>();
            dry.writes().forEach(w -> lines.add(w.describe()));
            if (lines.isEmpty()) {
                lines.add("(no writes: already on vfio-pci)");
            }
            return lines;
        } catch (HostdevException e) {
            return List.of("vm start would refuse: " + e.getMessage() + (e.hint() == null ? "" : " (" + e.hint() + ")"));
        }
    }

    private static String driverOf(Sysfs sysfs, PciAddress a) {
        String dir = "bus/pci/devices/" + a;
        if (!sysfs.exists(dir)) {
            return "(absent from this host)";
        }
        return sysfs.linkName(dir + "/driver").orElse("no driver");
    }

}
