package dev.hostdev.launcher.cli;

import dev.hostdev.launcher.placement.PlacementObserver;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmEnd;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmStatus;
import dev.hostdev.launcher.vm.VmStatusJson;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;

/**
 * {@code hostdev vm status NAME}: state (paused as QEMU reports it, the supervisor's loss), how QEMU ended once it
 * has, pid, each device and the root port it sits on, free slots, managed devices still detached. The state is
 * worked out by {@link RunningVm#status}, as for {@code vm list}.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a VM: state (and how QEMU ended, once it has), QEMU pid, devices and the root port each sits on.")
public final class VmStatusCommand extends NamedVmCommand {
    /** How long QEMU's monitor may take to answer. */
    static final Duration QMP_TIMEOUT = Duration.ofSeconds(2);

    @Override
    public Integer call() {
        String name = target.name();
        PrintWriter out = out();
        VmCommandContext ctx = new VmCommandContext(common, err());
        RunningVm vm = new RunningVm(ctx.registry().dir(name), ctx.managed(name), ctx.verbose());
        VmStatus s = vm.status(QMP_TIMEOUT);
        VmRecord r = s.record();
        com.fasterxml.jackson.databind.node.ObjectNode placement = s.state().hasProcess() && r.qemu() != null && r.qemuAlive()
                ? new PlacementObserver(common.sysfs()).observe((int) r.qemu().pid(), vfioDevices(r)) : null;
        if (json.enabled()) {
            com.fasterxml.jackson.databind.node.ObjectNode o = VmStatusJson.of(s, vm.dir());
            o.set("placement", placement == null ? com.fasterxml.jackson.databind.node.NullNode.getInstance() : placement);
            JsonLine.print(out, o);
            return 0;
        }
        out.println("VM " + r.name() + ": " + s.state().jsonName() + (s.state().hasProcess() && r.qemu() != null ? " (QEMU pid " + r.qemu().pid() + ")" : ""));
        if (s.qmpNote() != null) {
            out.println("  " + s.qmpNote());
        }
        VmEnd end = VmStatusJson.endToShow(r, s.state());
        if (end != null) {
            out.println("  ended: " + end.describe() + (end.at() == null ? "" : " at " + end.at()));
        }
        out.println("  spec: " + r.spec());
        out.println("  started: " + r.startedAt());
        out.println("  QMP socket: " + vm.dir().qmpSocket() + ", logs: " + vm.dir().qemuLog() + ", " + vm.dir().qmpLog());
        out.println("  devices:");
        for (VmDevice d : r.devices()) {
            out.printf("    %-12s %-16s %-22s%s%s%n", d.id(), d.driver(),
                    d.rootPort() == null ? "on " + d.bus() : "root port " + d.rootPort() + (d.bus().equals(d.rootPort()) ? "" : " via " + d.bus() + " " + d.addr()),
                    d.host() == null ? "" : " host " + d.host() + (d.managed() ? " (managed)" : ""),
                    d.hotplugged() ? " hotplugged" : "");
        }
        out.println("  free for hotplug: " + freeSlots(r));
        if (!r.managed().isEmpty()) {
            out.println("  managed devices detached for this VM: " + String.join(", ", r.managed()));
        }
        if (placement != null && placement.get("vcpus").size() > 0) {
            printPlacement(out, placement);
        }
        s.warnings().forEach(w -> out.println("  warning: " + w));
        out.flush();
        return 0;
    }

    /**
     * The root ports (and bridge slots) free for hotplug, or "none" with the spec key that keeps some free: a
     * running VM cannot be given new ports.
     */
    static String freeSlots(VmRecord r) {
        List<String> ports = r.slots().slots().stream().filter(Slot::isFree)
                .filter(x -> x.kind() == SlotKind.ROOT_PORT).map(Slot::describe).toList();
        long bridgeFree = r.slots().hasBridge() ? r.slots().freeCount(SlotKind.BRIDGE_SLOT) : 0;
        String bridge = r.slots().hasBridge() ? "; bridge slots free: " + bridgeFree : "";
        if (ports.isEmpty()) {
            return "no root port" + bridge + (bridgeFree == 0
                    ? " (keep some with spare_root_ports in the spec; a running VM cannot be given new ports)" : "");
        }
        return String.join(", ", ports) + bridge;
    }

    /** The PCI hostdevs on vfio-pci, by id: whose interrupts are shown. */
    static java.util.Map<String, dev.hostdev.engine.pci.PciAddress> vfioDevices(VmRecord r) {
        java.util.Map<String, dev.hostdev.engine.pci.PciAddress> out = new java.util.LinkedHashMap<>();
        for (VmDevice d : r.devices()) {
            if ("vfio-pci".equals(d.driver()) && d.host() != null) {
                dev.hostdev.engine.pci.PciAddress a = dev.hostdev.engine.pci.PciAddress.tryParse(d.host());
                if (a != null) {
                    out.put(d.id(), a);
                }
            }
        }
        return out;
    }

    private static void printPlacement(PrintWriter out, com.fasterxml.jackson.databind.JsonNode p) {
        out.println("  where it runs (now, from /proc):");
        for (var v : p.get("vcpus")) {
            out.println("    vcpu " + v.get("vcpu").asInt() + " (thread " + v.get("thread_id").asInt() + ") on CPUs " + v.get("cpus").asText());
        }
        java.util.Map<String, Integer> others = new java.util.TreeMap<>();
        p.get("emulator_threads").forEach(t -> others.merge(t.get("cpus").asText(), 1, Integer::sum));
        others.forEach((cpus, n) -> out.println("    " + n + " other QEMU thread" + (n == 1 ? "" : "s") + " on CPUs " + cpus));
        StringBuilder mem = new StringBuilder();
        p.get("memory_nodes").forEach(m -> mem.append(mem.length() == 0 ? "" : ", ").append("node ").append(m.get("node").asInt())
                .append(' ').append(m.get("bytes").asLong() >> 20).append(" MiB"));
        out.println("    memory: " + (mem.length() == 0 ? "unknown" : mem) + (p.get("memory_bind").isNull() ? "" : " (bound to node " + p.get("memory_bind").asText() + ")"));
        for (var i : p.get("irqs")) {
            out.println("    irq " + i.get("irq").asInt() + " (" + i.get("device").asText() + ") on CPUs " + i.get("cpus").asText());
        }
    }
}
