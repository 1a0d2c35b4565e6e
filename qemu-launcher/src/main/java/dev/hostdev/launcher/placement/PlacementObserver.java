package dev.hostdev.launcher.placement;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.numa.CpuList;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a running QEMU actually runs, read from {@code /proc} under the host root: each thread's name and
 * {@code Cpus_allowed_list} (vCPU threads known by the names {@code debug-threads=on} gives them,
 * {@code CPU 0/KVM}, {@code CPU 0/TCG}), the NUMA nodes its memory sits on ({@code numa_maps}: pages per
 * node, and any {@code bind:} policy), and the CPUs of the VFIO devices' interrupts.
 */
public final class PlacementObserver {
    private static final Pattern VCPU = Pattern.compile("CPU ([0-9]+)/[A-Za-z]+");
    private static final Pattern NODE_PAGES = Pattern.compile("N([0-9]+)=([0-9]+)");
    private static final Pattern KERNEL_PAGE = Pattern.compile("kernelpagesize_kB=([0-9]+)");
    private static final Pattern BIND = Pattern.compile("\\bbind:([0-9,\\-]+)");

    private final Sysfs sysfs;

    /** @param sysfs the host's sysfs; {@code /proc} is read under the same root */
    public PlacementObserver(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    /**
     * As JSON: {@code {"vcpus":[{"vcpu","thread_id","cpus"}…],"emulator_threads":[{"thread_id","name","cpus"}…],
     * "memory_nodes":[{"node","bytes"}…],"memory_bind":"1"|null,"irqs":[{"irq","device","cpus"}…]}}; CPU sets in
     * the kernel's list format, null when unreadable.
     *
     * @param pid  QEMU's pid
     * @param vfio the PCI hostdevs given to it, by id
     */
    public ObjectNode observe(int pid, Map<String, PciAddress> vfio) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        ArrayNode vcpus = o.putArray("vcpus");
        ArrayNode others = o.putArray("emulator_threads");
        TreeMap<Integer, ObjectNode> byVcpu = new TreeMap<>();
        Path tasks = sysfs.root().resolve("/proc/" + pid + "/task");
        String[] listed = tasks.toFile().list();
        java.util.List<String> names = java.util.Arrays.stream(listed == null ? new String[0] : listed)
                .filter(t -> t.matches("[0-9]{1,9}")).sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList();
        for (String task : names) {
            String comm = read(tasks.resolve(task + "/comm")).strip();
            String cpus = allowed(tasks.resolve(task + "/status"));
            Matcher m = VCPU.matcher(comm);
            if (m.matches()) {
                ObjectNode v = f.objectNode().put("vcpu", Integer.parseInt(m.group(1))).put("thread_id", Integer.parseInt(task)).put("cpus", cpus);
                byVcpu.put(Integer.parseInt(m.group(1)), v);
            } else {
                others.addObject().put("thread_id", Integer.parseInt(task)).put("name", comm).put("cpus", cpus);
            }
        }
        byVcpu.values().forEach(vcpus::add);
        TreeMap<Integer, Long> nodeBytes = new TreeMap<>();
        String bind = null;
        for (String line : read(sysfs.root().resolve("/proc/" + pid + "/numa_maps")).split("\n")) {
            Matcher k = KERNEL_PAGE.matcher(line);
            long page = k.find() ? Long.parseLong(k.group(1)) * 1024 : 4096;
            Matcher n = NODE_PAGES.matcher(line);
            boolean counted = false;
            while (n.find()) {
                nodeBytes.merge(Integer.parseInt(n.group(1)), Long.parseLong(n.group(2)) * page, Long::sum);
                counted = true;
            }
            Matcher b = BIND.matcher(line);
            if (counted && b.find() && (bind == null || page > 4096)) {
                bind = b.group(1);
            }
        }
        ArrayNode mem = o.putArray("memory_nodes");
        nodeBytes.forEach((node, bytes) -> mem.addObject().put("node", node).put("bytes", bytes));
        o.put("memory_bind", bind);
        ArrayNode irqs = o.putArray("irqs");
        VfioIrqs finder = new VfioIrqs(sysfs);
        vfio.forEach((id, address) -> finder.of(address).forEach(irq -> irqs.addObject().put("irq", irq).put("device", id)
                .put("cpus", emptyToNull(read(sysfs.root().resolve("/proc/irq/" + irq + "/smp_affinity_list")).strip()))));
        return o;
    }

    /** The CPUs a thread of a process may run on, as {@code /proc/PID/task/TID/status} says; empty if unreadable. */
    public CpuList threadCpus(int pid, int tid) {
        String a = allowed(sysfs.root().resolve("/proc/" + pid + "/task/" + tid + "/status"));
        return a == null ? CpuList.empty() : CpuList.parse(a);
    }

    private static String allowed(Path status) {
        for (String line : read(status).split("\n")) {
            if (line.startsWith("Cpus_allowed_list:")) {
                return line.substring("Cpus_allowed_list:".length()).strip();
            }
        }
        return null;
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException | java.io.UncheckedIOException e) {
            return "";
        }
    }
}
