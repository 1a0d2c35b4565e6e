package dev.hostdev.engine.numa;

import java.util.List;
import java.util.Optional;

/**
 * One host NUMA node, from {@code /sys/devices/system/node/nodeN}.
 *
 * @param id         N
 * @param cpus       {@code cpulist}
 * @param memTotalKib {@code MemTotal} of its {@code meminfo}, -1 if unreadable
 * @param memFreeKib  {@code MemFree} of its {@code meminfo}, -1 if unreadable
 * @param hugepages  its hugepage pools, smallest page first
 */
public record NumaNode(int id, CpuList cpus, long memTotalKib, long memFreeKib, List<HugepagePool> hugepages) {
    /** Copies the list. */
    public NumaNode {
        if (id < 0) {
            throw new IllegalArgumentException("bad node number " + id);
        }
        hugepages = List.copyOf(hugepages);
    }

    /** The pool of this page size (KiB), if the node has one. */
    public Optional<HugepagePool> hugepages(long sizeKib) {
        return hugepages.stream().filter(p -> p.sizeKib() == sizeKib).findFirst();
    }
}
