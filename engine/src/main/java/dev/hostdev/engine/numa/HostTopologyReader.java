package dev.hostdev.engine.numa;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the host's NUMA and CPU topology under {@code --root}: {@code /sys/devices/system/node/nodeN}
 * ({@code cpulist}, {@code meminfo}, {@code hugepages/hugepages-*kB/{nr,free}_hugepages}),
 * {@code /sys/devices/system/cpu/cpuN/topology} ({@code core_id}, {@code physical_package_id},
 * {@code thread_siblings_list}), {@code cpu/isolated} and {@code cpu/nohz_full}, and a PCI device's
 * {@code numa_node} and {@code local_cpulist}. Reads only. An entry that exists but cannot be read or
 * parsed is listed in {@link HostTopology#unreadable()}, with what else could be read kept.
 */
public final class HostTopologyReader {
    private static final String NODE_DIR = "devices/system/node";
    private static final String CPU_DIR = "devices/system/cpu";
    private static final Pattern NODE = Pattern.compile("node([0-9]{1,4})");
    private static final Pattern CPU = Pattern.compile("cpu([0-9]{1,4})");
    private static final Pattern POOL = Pattern.compile("hugepages-([0-9]{1,10})kB");
    private static final Pattern MEMINFO = Pattern.compile("Node\\s+[0-9]+\\s+(MemTotal|MemFree):\\s+([0-9]+)\\s*kB");

    private final Sysfs sysfs;

    /** @param sysfs the host's sysfs (under {@code --root}) */
    public HostTopologyReader(Sysfs sysfs) {
        this.sysfs = sysfs;
    }

    /** Reads nodes, CPUs and the isolated and nohz_full sets. */
    public HostTopology read() {
        List<String> problems = new ArrayList<>();
        List<NumaNode> nodes = new ArrayList<>();
        for (String name : sysfs.list(NODE_DIR)) {
            Matcher m = NODE.matcher(name);
            if (m.matches()) {
                nodes.add(node(Integer.parseInt(m.group(1)), problems));
            }
        }
        nodes.sort(Comparator.comparingInt(NumaNode::id));
        List<HostCpu> cpus = new ArrayList<>();
        Optional<CpuList> online = cpuList(CPU_DIR + "/online", problems);
        for (String name : sysfs.list(CPU_DIR)) {
            Matcher m = CPU.matcher(name);
            if (!m.matches()) {
                continue;
            }
            int id = Integer.parseInt(m.group(1));
            if (online.isPresent() && !online.get().contains(id)) {
                continue;
            }
            cpus.add(cpu(id, nodes, problems));
        }
        cpus.sort(Comparator.comparingInt(HostCpu::id));
        CpuList isolated = cpuList(CPU_DIR + "/isolated", problems).orElse(CpuList.empty());
        CpuList nohz = cpuList(CPU_DIR + "/nohz_full", problems).orElse(CpuList.empty());
        return new HostTopology(nodes, cpus, isolated, nohz, problems);
    }

    /** A PCI device's {@code numa_node} and {@code local_cpulist}; a device that is absent reads as no node. */
    public DeviceLocality device(PciAddress address) {
        String dir = "bus/pci/devices/" + address + "/";
        List<String> problems = new ArrayList<>();
        OptionalInt node = OptionalInt.empty();
        Optional<String> n = text(dir + "numa_node", problems);
        if (n.isPresent()) {
            try {
                int v = Integer.parseInt(n.get());
                node = v >= 0 ? OptionalInt.of(v) : OptionalInt.empty();
            } catch (NumberFormatException e) {
                problems.add(display(dir + "numa_node") + ": not a number: '" + n.get() + "'");
            }
        }
        CpuList local = cpuList(dir + "local_cpulist", problems).orElse(CpuList.empty());
        return new DeviceLocality(address, node, local, problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)));
    }

    private NumaNode node(int id, List<String> problems) {
        String dir = NODE_DIR + "/node" + id + "/";
        CpuList cpus = cpuList(dir + "cpulist", problems).orElse(CpuList.empty());
        long total = -1;
        long free = -1;
        Optional<String> meminfo = text(dir + "meminfo", problems);
        if (meminfo.isPresent()) {
            for (String line : meminfo.get().split("\n")) {
                Matcher m = MEMINFO.matcher(line.strip());
                if (m.matches()) {
                    long kib = Long.parseLong(m.group(2));
                    if (m.group(1).equals("MemTotal")) {
                        total = kib;
                    } else {
                        free = kib;
                    }
                }
            }
            if (total < 0 || free < 0) {
                problems.add(display(dir + "meminfo") + ": no 'Node " + id + " MemTotal/MemFree: N kB' lines");
            }
        }
        List<HugepagePool> pools = new ArrayList<>();
        for (String name : sysfs.list(dir + "hugepages")) {
            Matcher m = POOL.matcher(name);
            if (!m.matches()) {
                continue;
            }
            String pool = dir + "hugepages/" + name + "/";
            OptionalLong nr = number(pool + "nr_hugepages", problems);
            OptionalLong fr = number(pool + "free_hugepages", problems);
            if (nr.present && fr.present) {
                try {
                    pools.add(new HugepagePool(Long.parseLong(m.group(1)), nr.value, fr.value));
                } catch (IllegalArgumentException e) {
                    problems.add(display(pool) + ": " + e.getMessage());
                }
            }
        }
        pools.sort(Comparator.comparingLong(HugepagePool::sizeKib));
        return new NumaNode(id, cpus, total, free, pools);
    }

    private HostCpu cpu(int id, List<NumaNode> nodes, List<String> problems) {
        String dir = CPU_DIR + "/cpu" + id + "/topology/";
        int node = nodes.stream().filter(n -> n.cpus().contains(id)).mapToInt(NumaNode::id).findFirst().orElse(-1);
        OptionalLong pkg = number(dir + "physical_package_id", problems);
        OptionalLong core = number(dir + "core_id", problems);
        CpuList siblings = cpuList(dir + "thread_siblings_list", problems).orElse(CpuList.of(id));
        return new HostCpu(id, node, pkg.present ? (int) pkg.value : -1, core.present ? (int) core.value : -1, siblings);
    }

    private Optional<CpuList> cpuList(String sysRelative, List<String> problems) {
        Optional<String> t = text(sysRelative, problems);
        if (t.isEmpty() || t.get().equals("(null)")) {
            // nohz_full reads "(null)" on kernels booted without it
            return t.isEmpty() ? Optional.empty() : Optional.of(CpuList.empty());
        }
        try {
            return Optional.of(CpuList.parse(t.get()));
        } catch (IllegalArgumentException e) {
            problems.add(display(sysRelative) + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private OptionalLong number(String sysRelative, List<String> problems) {
        Optional<String> t = text(sysRelative, problems);
        if (t.isEmpty()) {
            return new OptionalLong(false, 0);
        }
        try {
            return new OptionalLong(true, Long.parseLong(t.get()));
        } catch (NumberFormatException e) {
            problems.add(display(sysRelative) + ": not a number: '" + t.get() + "'");
            return new OptionalLong(false, 0);
        }
    }

    /** The trimmed text; empty when absent (not a problem), or unreadable (a problem, recorded). */
    private Optional<String> text(String sysRelative, List<String> problems) {
        Path p = sysfs.path(sysRelative);
        try {
            return Optional.of(Files.readString(p, StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | java.io.UncheckedIOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e instanceof java.nio.file.AccessDeniedException) {
                why = "permission denied";
            } else if (e instanceof java.nio.charset.MalformedInputException || e instanceof java.io.UncheckedIOException) {
                why = "not text";
            }
            problems.add(display(sysRelative) + ": unreadable (" + why + ")");
            return Optional.empty();
        }
    }

    private String display(String sysRelative) {
        return "/sys/" + sysRelative;
    }

    private record OptionalLong(boolean present, long value) {
    }
}
