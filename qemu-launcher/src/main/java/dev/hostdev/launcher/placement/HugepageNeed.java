package dev.hostdev.launcher.placement;

import dev.hostdev.engine.numa.HugepagePool;

/**
 * The hugepages guest RAM needs on a host node, against what the node has.
 *
 * @param node       the host node
 * @param sizeKib    the page size
 * @param needed     pages guest RAM takes
 * @param total      pages reserved on the node now ({@code nr_hugepages}; 0 if the node has no such pool)
 * @param free       of those, pages free
 * @param reserve    whether the plan reserves the missing ones (raises {@code nr_hugepages})
 */
public record HugepageNeed(int node, long sizeKib, long needed, long total, long free, boolean reserve) {
    /** Pages short: 0 when the node has enough free. */
    public long missing() {
        return Math.max(0, needed - free);
    }

    /** The sysfs attribute that reserves pages of this size on the node, relative to {@code /sys}. */
    public String nrHugepagesAttribute() {
        return "devices/system/node/node" + node + "/hugepages/hugepages-" + sizeKib + "kB/nr_hugepages";
    }

    /** The value a reservation writes: what is reserved now plus what is missing. */
    public long reservedAfter() {
        return total + missing();
    }

    /** The page size as people write it. */
    public String sizeName() {
        return HugepagePool.sizeName(sizeKib);
    }
}
