package dev.hostdev.launcher.placement;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.numa.CpuList;
import dev.hostdev.engine.numa.DeviceLocality;
import dev.hostdev.engine.numa.HostTopology;
import dev.hostdev.engine.numa.HugepagePool;
import dev.hostdev.engine.numa.NumaNode;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.DeviceBus;
import dev.hostdev.launcher.spec.HostdevSpec;
import dev.hostdev.launcher.spec.MemorySize;
import dev.hostdev.launcher.spec.PlacementSpec;
import dev.hostdev.launcher.spec.VmSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * Turns a spec's {@code [placement]} and the host's topology into a {@link PlacementPlan}: the host node
 * ({@code numa = "device"}: the node of the PCI hostdevs, which must agree), the vCPUs' CPUs
 * ({@link CoreChooser} for {@code auto}), QEMU's other threads and the interrupts on the node's
 * housekeeping CPUs, the hugepages guest RAM needs against the node's free ones, and the guest's NUMA
 * nodes. Reads only; what cannot be done at all is an error naming the numbers, what is short now
 * (free hugepages) a problem the start refuses on.
 */
public final class PlacementPlanner {
    /** The most threads QEMU is told to preallocate guest RAM with. */
    static final int MAX_PREALLOC_THREADS = 16;

    private PlacementPlanner() {
    }

    /** The plan of a spec's {@code [placement]}; empty when the spec has none. */
    public static Optional<PlacementPlan> plan(VmSpec spec, HostNumaFacts facts) {
        if (spec.placement().isEmpty()) {
            return Optional.empty();
        }
        PlacementSpec p = spec.placement().get();
        List<String> notes = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        HostTopology host = p.bindsToHost() ? facts.topology() : null;
        if (host != null) {
            host.unreadable().forEach(u -> notes.add("host topology: " + u));
        }
        CpuList givenEmulator = p.emulatorPin().orElse(null) instanceof PlacementSpec.Pin.Cpus c ? c.cpus() : CpuList.empty();
        if (host != null) {
            checkOnline(host, givenEmulator, "emulator_pin", p);
            if (p.vcpuPin().orElse(null) instanceof PlacementSpec.Pin.Cpus c) {
                checkOnline(host, c.cpus(), "vcpu_pin", p);
            }
        }
        OptionalInt node = p.bindsToHost() ? hostNode(spec, p, host, facts, notes) : OptionalInt.empty();

        List<Integer> vcpuCpus = List.of();
        CpuList emulator = CpuList.empty();
        if (p.vcpuPin().orElse(null) instanceof PlacementSpec.Pin.Cpus c) {
            vcpuCpus = c.cpus().cpus();
            if (node.isPresent()) {
                CpuList remote = c.cpus().minus(host.node(node.getAsInt()).orElseThrow().cpus());
                if (!remote.isEmpty()) {
                    notes.add("vcpu_pin CPUs " + remote + " are not on node " + node.getAsInt() + ": their vCPUs reach RAM and device across nodes");
                }
            }
        } else if (p.vcpuPin().isPresent()) {
            CoreChooser.Choice choice = CoreChooser.choose(host, node.orElseThrow(), spec.cpus(), givenEmulator, !givenEmulator.isEmpty());
            vcpuCpus = choice.vcpuCpus();
            if (givenEmulator.isEmpty()) {
                emulator = choice.housekeeping();
            }
            CpuList quiet = host.quietCpus().and(CpuList.of(vcpuCpus));
            notes.add("vcpu_pin auto: " + spec.cpus() + (spec.cpus() == 1 ? " vCPU" : " vCPUs") + " on node " + node.getAsInt() + " CPUs " + CpuList.of(vcpuCpus)
                    + (quiet.isEmpty() ? " (the node has no isolated or nohz_full cores: ordinary tasks may share them)"
                    : " (" + quiet.size() + " of them isolated or nohz_full)") + ", SMT siblings kept together");
        }
        if (!givenEmulator.isEmpty()) {
            emulator = givenEmulator;
        } else if ((p.emulatorPin().isPresent() || !vcpuCpus.isEmpty()) && emulator.isEmpty()) {
            // the node's ordinary CPUs the vCPUs leave, else any it leaves
            NumaNode n = host.node(node.orElseThrow()).orElseThrow();
            CpuList ordinary = n.cpus().and(host.onlineCpus()).minus(host.quietCpus()).minus(CpuList.of(vcpuCpus));
            emulator = ordinary.isEmpty() ? n.cpus().and(host.onlineCpus()).minus(CpuList.of(vcpuCpus)) : ordinary;
        }
        if (!vcpuCpus.isEmpty() && emulator.isEmpty()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, p.where() + ": [placement] leaves no CPU for QEMU's other threads: "
                    + "node " + node.orElse(-1) + "'s CPUs are all vCPUs' (" + CpuList.of(vcpuCpus) + ")",
                    "give emulator_pin = \"…\" (CPUs not in vcpu_pin), or fewer vCPUs");
        }
        CpuList irq = p.steerIrqs() && !spec.pciHostdevs().isEmpty() && (!vcpuCpus.isEmpty() || !emulator.isEmpty()) ? emulator : CpuList.empty();

        Optional<HugepageNeed> pages = Optional.empty();
        if (p.hugepagesKib().isPresent()) {
            pages = Optional.of(hugepages(spec, p, host, node, problems));
        }
        List<GuestNode> guestNodes = guestNodes(spec, p, node, vcpuCpus.isEmpty() ? 0 : vcpuCpus.size());
        Map<String, Integer> deviceNodes = deviceNodes(spec, p, node);
        return Optional.of(new PlacementPlan(node, vcpuCpus, emulator, irq, pages, guestNodes, deviceNodes, problems, notes));
    }

    private static OptionalInt hostNode(VmSpec spec, PlacementSpec p, HostTopology host, HostNumaFacts facts, List<String> notes) {
        if (host.nodes().isEmpty()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, p.where() + ": [placement] needs the host's NUMA nodes, and "
                    + "/sys/devices/system/node lists none", "run on a kernel with NUMA (CONFIG_NUMA), or remove [placement]");
        }
        if (p.numa().orElse(null) instanceof PlacementSpec.Numa.Node n) {
            if (host.node(n.id()).isEmpty()) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, p.where() + ": numa = " + n.id() + ", and this host has nodes "
                        + CpuList.of(host.nodes().stream().map(NumaNode::id).toList()), "give one of those, or numa = \"device\"");
            }
            return OptionalInt.of(n.id());
        }
        Map<Integer, List<String>> byNode = new TreeMap<>();
        List<String> nowhere = new ArrayList<>();
        for (HostdevSpec h : spec.pciHostdevs()) {
            Optional<PciAddress> a = h.pci();
            if (a.isEmpty()) {
                continue;
            }
            DeviceLocality d = facts.locality(a.get());
            d.problem().ifPresent(x -> notes.add(h.id() + ": " + x));
            String name = h.id() + " (" + a.get() + ")";
            if (d.node().isPresent()) {
                byNode.computeIfAbsent(d.node().getAsInt(), k -> new ArrayList<>()).add(name);
            } else {
                nowhere.add(name);
            }
        }
        boolean asked = p.numa().isPresent();
        if (byNode.size() > 1) {
            StringBuilder where = new StringBuilder();
            byNode.forEach((n, names) -> where.append(where.length() == 0 ? "" : ", ").append(String.join(" and ", names))
                    .append(names.size() > 1 ? " are" : " is").append(" on node ").append(n));
            throw HostdevException.usage(p.where() + ": numa = \"device\", and the devices sit on different nodes: " + where,
                    "a VM is local to one node: choose it with numa = N, or give the devices to one VM per node");
        }
        if (byNode.size() == 1) {
            int n = byNode.keySet().iterator().next();
            if (!nowhere.isEmpty()) {
                notes.add(String.join(", ", nowhere) + ": the host reports no NUMA node; placed on node " + n + " with the others");
            }
            if (!asked) {
                notes.add("numa: node " + n + ", the node of the VM's devices");
            }
            return OptionalInt.of(n);
        }
        if (asked) {
            throw HostdevException.usage(p.where() + ": numa = \"device\", and "
                    + (spec.pciHostdevs().isEmpty() ? "the VM has no PCI hostdev" : "the host reports no NUMA node for "
                    + String.join(", ", nowhere) + " (numa_node -1)"), "give the node: numa = " + host.nodes().get(0).id());
        }
        if (host.nodes().size() == 1) {
            return OptionalInt.of(host.nodes().get(0).id());
        }
        if (p.vcpuPin().orElse(null) instanceof PlacementSpec.Pin.Cpus c) {
            List<Integer> holding = host.nodes().stream().filter(n -> n.cpus().containsAll(c.cpus())).map(NumaNode::id).toList();
            if (holding.size() == 1) {
                notes.add("numa: node " + holding.get(0) + ", the node of vcpu_pin's CPUs");
                return OptionalInt.of(holding.get(0));
            }
        }
        throw HostdevException.usage(p.where() + ": [placement] pins or uses hugepages, and names no node; this host has "
                + host.nodes().size() + " nodes", "add numa = \"device\" or numa = N");
    }

    private static void checkOnline(HostTopology host, CpuList cpus, String key, PlacementSpec p) {
        CpuList offline = cpus.minus(host.onlineCpus());
        if (!offline.isEmpty()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, p.where() + ": " + key + " names CPUs " + offline
                    + ", which this host does not have online (online: " + host.onlineCpus() + ")", "name online CPUs, or \"auto\"");
        }
    }

    private static HugepageNeed hugepages(VmSpec spec, PlacementSpec p, HostTopology host, OptionalInt node, List<String> problems) {
        long size = p.hugepagesKib().getAsLong();
        int n = node.orElseThrow();
        long needed = spec.memory().bytes() / (size * 1024);
        Optional<HugepagePool> pool = host.node(n).orElseThrow().hugepages(size);
        String name = HugepagePool.sizeName(size);
        if (pool.isEmpty()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, p.where() + ": hugepages = \"" + name + "\", and node " + n
                    + " has no " + name + " pool (/sys/devices/system/node/node" + n + "/hugepages/hugepages-" + size + "kB)",
                    size == 1048576 ? "1G pages need a CPU with pdpe1gb; use hugepages = \"2M\"" : "use another page size");
        }
        HugepageNeed need = new HugepageNeed(n, size, needed, pool.get().total(), pool.get().free(), p.reserveHugepages());
        if (need.missing() > 0 && !need.reserve()) {
            problems.add("node " + n + " has " + need.free() + " free " + name + " hugepages (" + need.total() + " reserved); guest RAM ("
                    + spec.memory() + ") needs " + needed + ": " + need.missing() + " missing; reserve them with "
                    + "'echo " + need.reservedAfter() + " > /sys/" + need.nrHugepagesAttribute() + "' or reserve_hugepages = true");
        }
        return need;
    }

    private static List<GuestNode> guestNodes(VmSpec spec, PlacementSpec p, OptionalInt hostNode, int pinned) {
        if (hostNode.isEmpty() && p.guestNodes().isEmpty()) {
            return List.of();
        }
        int count = p.guestNodes().orElse(1);
        int threads = p.hugepagesKib().isPresent() ? Math.max(1, Math.min(MAX_PREALLOC_THREADS, pinned == 0 ? spec.cpus() : pinned)) : 0;
        List<GuestNode> nodes = new ArrayList<>();
        long share = spec.memory().bytes() / count;
        for (int g = 0; g < count; g++) {
            int first = g * spec.cpus() / count;
            int last = (g + 1) * spec.cpus() / count - 1;
            List<Integer> vcpus = new ArrayList<>();
            for (int v = first; v <= last; v++) {
                vcpus.add(v);
            }
            nodes.add(new GuestNode(g, CpuList.of(vcpus), new MemorySize(share), hostNode, p.hugepagesKib(), threads));
        }
        return nodes;
    }

    private static Map<String, Integer> deviceNodes(VmSpec spec, PlacementSpec p, OptionalInt hostNode) {
        Map<String, Integer> out = new LinkedHashMap<>();
        if (hostNode.isPresent() && p.guestNodes().orElse(1) == 1) {
            // one guest node standing for the host node: the devices local to it say so
            spec.pciHostdevs().forEach(h -> out.put(h.id(), 0));
        }
        p.deviceNodes().forEach((id, node) -> {
            boolean hostdev = spec.pciHostdevs().stream().anyMatch(h -> h.id().equals(id));
            boolean device = spec.devices().stream().anyMatch(d -> d.id().equals(id) && d.bus() == DeviceBus.ROOT_PORT);
            if (!hostdev && !device) {
                throw HostdevException.usage(p.where() + ": device_nodes names '" + id + "', which is no PCI hostdev or "
                        + "root-port [[device]] of this VM", "use the id of a [[hostdev]] or [[device]] (e.g. id = \"nic1\")");
            }
            out.put(id, node);
        });
        return out;
    }
}
