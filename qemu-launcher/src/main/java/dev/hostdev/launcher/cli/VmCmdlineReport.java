package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.ManagedDevice;
import dev.hostdev.launcher.cmdline.PreflightCheck;
import dev.hostdev.launcher.cmdline.PreflightReport;
import dev.hostdev.launcher.topology.BridgePlan;
import dev.hostdev.launcher.topology.RootPortPlan;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code vm cmdline} prints, as text (a pasteable command, then {@code #} comment sections) or
 * as JSON.
 *
 * @param plan    the launch plan
 * @param checks  its checks' results on this host
 * @param drivers each managed device's driver now
 * @param detach  the dry-run detach writes (or why the detach would be refused)
 * @param notes   what the plan assumed
 */
record VmCmdlineReport(LaunchPlan plan, PreflightReport checks, Map<PciAddress, String> drivers, List<String> detach,
                       List<String> notes) {
    /** Options that take no value: printed alone on their line. */
    private static final Set<String> FLAGS = Set.of("-nodefaults", "-no-user-config", "-S");

    /** The plan's JSON ({@link LaunchPlan#toJson()}) plus {@code detach_plan}, {@code preflight} and all notes. */
    ObjectNode json() {
        ObjectNode o = plan.toJson();
        ArrayNode d = o.putArray("detach_plan");
        detach.forEach(d::add);
        ArrayNode pre = o.putArray("preflight");
        for (PreflightCheck c : plan.checks()) {
            ObjectNode e = pre.addObject().put("check", c.describe());
            checks.problemOf(c).ifPresentOrElse(p -> e.put("ok", false).put("omitted", false).put("problem", p.error().getMessage()),
                    () -> e.put("ok", true).put("omitted", checks.omits(c)).putNull("problem"));
        }
        ArrayNode n = o.putArray("notes");
        notes.forEach(n::add);
        return o;
    }

    /** The text form: the command (one option and its value per line, shell-quoted), then the sections. */
    void printText(PrintWriter out) {
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
                    p.occupant().orElse("free") + functions(p) + reservation(p));
        }
        plan.topology().bridge().ifPresent(b -> printBridge(out, b));
        out.println("# Address space (64-bit PCI hole for big BARs):");
        plan.addressSpace().explain().forEach(step -> out.println("#   " + step));
        out.println("# Managed devices (detached from their host driver to vfio-pci before QEMU starts, given back when it ends):");
        if (plan.managed().isEmpty()) {
            out.println("#   none");
        }
        for (ManagedDevice m : plan.managed()) {
            out.printf("#   %s  %-10s now on %s -> vfio-pci%n", m.address(), m.hostdevId(), drivers.get(m.address()));
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
            String status = checks.problemOf(c).map(p -> "FAILS: " + p.error().getMessage())
                    .orElse(checks.omits(c) ? "missing: left out (optional)" : "ok");
            out.println("#   " + c.describe() + ": " + status);
        }
        for (String n : notes) {
            out.println("# note: " + n);
        }
    }

    /** The other functions of a multi-function device at the port: {@code  (function 0; gpu-f1 at 0x0.0x1)}. */
    private static String functions(RootPortPlan p) {
        if (!p.holdsMultiFunctionDevice()) {
            return "";
        }
        return " (function 0; " + String.join(", ", p.functions().entrySet().stream()
                .map(e -> e.getValue() + " at 0x0.0x" + e.getKey()).toList()) + ")";
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
}
