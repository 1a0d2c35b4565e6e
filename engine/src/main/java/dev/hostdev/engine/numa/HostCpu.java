package dev.hostdev.engine.numa;

/**
 * One online CPU as {@code /sys/devices/system/cpu/cpuN/topology} describes it.
 *
 * @param id       the CPU number (N)
 * @param node     the NUMA node holding it, -1 if none lists it
 * @param packageId {@code physical_package_id} (the socket), -1 if unreadable
 * @param coreId   {@code core_id}, -1 if unreadable
 * @param siblings {@code thread_siblings_list}: the hardware threads of its core, itself included
 */
public record HostCpu(int id, int node, int packageId, int coreId, CpuList siblings) {
    /** Requires the siblings to include the CPU itself (the kernel's rule; a tree breaking it is read as itself alone). */
    public HostCpu {
        if (id < 0) {
            throw new IllegalArgumentException("bad CPU number " + id);
        }
        if (!siblings.contains(id)) {
            siblings = siblings.or(CpuList.of(id));
        }
    }
}
