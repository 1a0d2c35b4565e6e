package dev.hostdev.engine.numa;

import java.util.List;
import java.util.Optional;

/**
 * The host's NUMA nodes and CPUs as sysfs shows them, with what could not be read. Read one with
 * {@link HostTopologyReader}.
 *
 * @param nodes      the NUMA nodes, by number
 * @param cpus       the online CPUs, by number
 * @param isolated   {@code /sys/devices/system/cpu/isolated} (the {@code isolcpus=} set)
 * @param nohzFull   {@code /sys/devices/system/cpu/nohz_full}
 * @param unreadable each entry that exists but could not be read or made sense of: "path: why"
 */
public record HostTopology(List<NumaNode> nodes, List<HostCpu> cpus, CpuList isolated, CpuList nohzFull,
                           List<String> unreadable) {
    /** Copies the lists. */
    public HostTopology {
        nodes = List.copyOf(nodes);
        cpus = List.copyOf(cpus);
        unreadable = List.copyOf(unreadable);
    }

    /** Node N, if the host has it. */
    public Optional<NumaNode> node(int id) {
        return nodes.stream().filter(n -> n.id() == id).findFirst();
    }

    /** CPU N, if it is online. */
    public Optional<HostCpu> cpu(int id) {
        return cpus.stream().filter(c -> c.id() == id).findFirst();
    }

    /** Every online CPU. */
    public CpuList onlineCpus() {
        return CpuList.of(cpus.stream().map(HostCpu::id).toList());
    }

    /** CPUs the scheduler keeps ordinary tasks off: isolated or nohz_full. */
    public CpuList quietCpus() {
        return isolated.or(nohzFull);
    }
}
