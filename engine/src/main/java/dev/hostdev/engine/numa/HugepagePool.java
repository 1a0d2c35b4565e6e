package dev.hostdev.engine.numa;

/**
 * One size of hugepages on one NUMA node, from {@code nodeN/hugepages/hugepages-SIZEkB/}.
 *
 * @param sizeKib the page size in KiB (2048 for 2M, 1048576 for 1G)
 * @param total   {@code nr_hugepages}: pages reserved on the node
 * @param free    {@code free_hugepages}: reserved pages not in use
 */
public record HugepagePool(long sizeKib, long total, long free) {
    /** Checks the numbers. */
    public HugepagePool {
        if (sizeKib <= 0 || total < 0 || free < 0) {
            throw new IllegalArgumentException("bad hugepage pool: " + sizeKib + " kB, " + total + " total, " + free + " free");
        }
    }

    /** The page size as people write it: {@code 2M}, {@code 1G}, else {@code NkB}. */
    public String sizeName() {
        return sizeName(sizeKib);
    }

    /** A page size in KiB as people write it: {@code 2M}, {@code 1G}, else {@code NkB}. */
    public static String sizeName(long sizeKib) {
        if (sizeKib % (1024 * 1024) == 0) {
            return sizeKib / (1024 * 1024) + "G";
        }
        if (sizeKib % 1024 == 0) {
            return sizeKib / 1024 + "M";
        }
        return sizeKib + "kB";
    }
}
