package dev.hostdev.launcher.placement;

import dev.hostdev.engine.numa.CpuList;
import dev.hostdev.launcher.spec.MemorySize;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One NUMA node the guest sees: its vCPUs, its share of RAM, and where that RAM comes from on the host.
 *
 * @param id              the guest node number
 * @param vcpus           the vCPU indices on it
 * @param memory          its RAM
 * @param hostNode        the host node its RAM is bound to ({@code host-nodes=N,policy=bind}), if any
 * @param hugepagesKib    the hugepage size its RAM comes from, if any
 * @param preallocThreads threads QEMU preallocates its RAM with (hugepages only)
 */
public record GuestNode(int id, CpuList vcpus, MemorySize memory, OptionalInt hostNode, OptionalLong hugepagesKib,
                        int preallocThreads) {
    /** Checks the parts. */
    public GuestNode {
        Objects.requireNonNull(vcpus);
        Objects.requireNonNull(memory);
        if (id < 0 || vcpus.isEmpty()) {
            throw new IllegalArgumentException("guest node " + id + " needs a vCPU");
        }
    }

    /** The id of its memory backend object. */
    public String memdevId() {
        return "ram-node" + id;
    }
}
