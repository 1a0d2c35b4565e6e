package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.placement.GuestNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The guest's NUMA nodes on QEMU's command line: for each, a memory backend ({@code memory-backend-memfd}
 * with {@code hugetlb=on} when its RAM comes from hugepages, else {@code memory-backend-ram}; bound to the
 * host node with {@code host-nodes=N,policy=bind}, hugepages preallocated with {@code prealloc-threads}) and
 * {@code -numa node,nodeid=G,cpus=…,memdev=…}. memfd needs no hugetlbfs mount.
 *
 * @param nodes the guest nodes; none renders nothing
 */
public record GuestNuma(List<GuestNode> nodes) {
    /** Copies the list. */
    public GuestNuma {
        nodes = List.copyOf(nodes);
    }

    /** No guest nodes described: QEMU's one default node. */
    public static GuestNuma none() {
        return new GuestNuma(List.of());
    }

    /** The arguments, {@code -object} and {@code -numa} pairs. */
    public List<String> argv() {
        List<String> a = new ArrayList<>();
        for (GuestNode n : nodes) {
            StringBuilder o = new StringBuilder();
            if (n.hugepagesKib().isPresent()) {
                o.append("memory-backend-memfd,id=").append(n.memdevId()).append(",size=").append(n.memory().mebibytes()).append('M')
                        .append(",hugetlb=on,hugetlbsize=").append(n.hugepagesKib().getAsLong()).append('K')
                        .append(",prealloc=on,prealloc-threads=").append(n.preallocThreads());
            } else {
                o.append("memory-backend-ram,id=").append(n.memdevId()).append(",size=").append(n.memory().mebibytes()).append('M');
            }
            n.hostNode().ifPresent(h -> o.append(",host-nodes=").append(h).append(",policy=bind"));
            a.add("-object");
            a.add(o.toString());
            a.add("-numa");
            // a comma in cpus= would end the option: several ranges are given as several cpus= keys
            StringBuilder numa = new StringBuilder("node,nodeid=" + n.id());
            for (String range : n.vcpus().toString().split(",")) {
                numa.append(",cpus=").append(range);
            }
            a.add(numa.append(",memdev=").append(n.memdevId()).toString());
        }
        return a;
    }
}
