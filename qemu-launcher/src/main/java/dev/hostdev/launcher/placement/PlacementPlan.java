package dev.hostdev.launcher.placement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.numa.CpuList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a VM runs on the host, decided before start: the host node, the host CPU of each vCPU, the CPUs of
 * QEMU's other threads and of the devices' interrupts, the hugepages its RAM needs, and the NUMA nodes the
 * guest sees. A value; {@link PlacementPlanner} makes it, the command line renders its guest nodes, and
 * {@code vm start} pins by it.
 *
 * @param hostNode     the host node the VM is local to, if one was chosen
 * @param vcpuCpus     the host CPU of vCPU i at index i; empty when vCPUs are not pinned
 * @param emulatorCpus the CPUs of QEMU's other threads; empty when they are not pinned
 * @param irqCpus      the CPUs the VFIO devices' interrupts are steered to; empty when they are left alone
 * @param hugepages    what guest RAM needs of the node's hugepages, if it uses them
 * @param guestNodes   the guest's NUMA nodes (none: QEMU's default single node, not described)
 * @param deviceNodes  the guest node of each PCI hostdev, by hostdev id (on a pxb-pcie of that node)
 * @param problems     what makes the plan unachievable on this host now (the start refuses while any)
 * @param notes        what the planner assumed or chose, for the user
 */
public record PlacementPlan(OptionalInt hostNode, List<Integer> vcpuCpus, CpuList emulatorCpus, CpuList irqCpus,
                            Optional<HugepageNeed> hugepages, List<GuestNode> guestNodes,
                            java.util.Map<String, Integer> deviceNodes, List<String> problems, List<String> notes) {
    /** Copies the lists. */
    public PlacementPlan {
        Objects.requireNonNull(hostNode);
        Objects.requireNonNull(emulatorCpus);
        Objects.requireNonNull(irqCpus);
        Objects.requireNonNull(hugepages);
        vcpuCpus = List.copyOf(vcpuCpus);
        guestNodes = List.copyOf(guestNodes);
        deviceNodes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(deviceNodes));
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    /** Whether anything is pinned after start (vCPU threads, other threads or interrupts). */
    public boolean pinsAfterStart() {
        return !vcpuCpus.isEmpty() || !emulatorCpus.isEmpty() || !irqCpus.isEmpty();
    }

    /** Lines for people: {@code vcpu 0 → host CPU 6}, the node, the pages. */
    public List<String> describe() {
        List<String> lines = new java.util.ArrayList<>();
        hostNode.ifPresent(n -> lines.add("host NUMA node " + n
                + hugepages.map(h -> ": guest RAM from " + h.needed() + " " + h.sizeName() + " hugepages (node has "
                + h.free() + " free of " + h.total() + (h.missing() > 0 ? ", " + h.missing() + " missing"
                + (h.reserve() ? ": start reserves them" : "") : "") + ")").orElse(": guest RAM bound to it")));
        for (int i = 0; i < vcpuCpus.size(); i++) {
            lines.add("vcpu " + i + " -> host CPU " + vcpuCpus.get(i));
        }
        if (!emulatorCpus.isEmpty()) {
            lines.add("emulator threads -> host CPUs " + emulatorCpus);
        }
        if (!irqCpus.isEmpty()) {
            lines.add("VFIO interrupts -> host CPUs " + irqCpus);
        }
        for (GuestNode g : guestNodes) {
            lines.add("guest node " + g.id() + ": vCPUs " + g.vcpus() + ", " + g.memory()
                    + (g.hostNode().isPresent() ? " bound to host node " + g.hostNode().getAsInt() : ""));
        }
        deviceNodes.forEach((id, node) -> lines.add(id + " on guest node " + node + " (pxb-pcie)"));
        return lines;
    }

    /**
     * As JSON: {@code {"host_node","vcpus":[{"vcpu","host_cpu"}…],"emulator_cpus","irq_cpus","hugepages":{"size",
     * "needed","free","total","missing","reserve"}|null,"guest_nodes":[{"id","vcpus","memory","host_node"}…],
     * "device_nodes":[{"id","guest_node"}…],"problems":[…],"notes":[…]}}; CPU sets in the kernel's list format,
     * null when not pinned.
     */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        if (hostNode.isPresent()) {
            o.put("host_node", hostNode.getAsInt());
        } else {
            o.putNull("host_node");
        }
        ArrayNode v = o.putArray("vcpus");
        for (int i = 0; i < vcpuCpus.size(); i++) {
            v.addObject().put("vcpu", i).put("host_cpu", vcpuCpus.get(i));
        }
        o.put("emulator_cpus", emulatorCpus.isEmpty() ? null : emulatorCpus.toString());
        o.put("irq_cpus", irqCpus.isEmpty() ? null : irqCpus.toString());
        if (hugepages.isPresent()) {
            HugepageNeed h = hugepages.get();
            o.putObject("hugepages").put("size", h.sizeName()).put("needed", h.needed()).put("free", h.free())
                    .put("total", h.total()).put("missing", h.missing()).put("reserve", h.reserve());
        } else {
            o.putNull("hugepages");
        }
        ArrayNode g = o.putArray("guest_nodes");
        for (GuestNode n : guestNodes) {
            ObjectNode x = g.addObject().put("id", n.id()).put("vcpus", n.vcpus().toString()).put("memory", n.memory().bytes());
            if (n.hostNode().isPresent()) {
                x.put("host_node", n.hostNode().getAsInt());
            } else {
                x.putNull("host_node");
            }
        }
        ArrayNode d = o.putArray("device_nodes");
        deviceNodes.forEach((id, node) -> d.addObject().put("id", id).put("guest_node", node));
        ArrayNode p = o.putArray("problems");
        problems.forEach(p::add);
        ArrayNode n = o.putArray("notes");
        notes.forEach(n::add);
        return o;
    }
}
