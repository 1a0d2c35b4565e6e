package dev.hostdev.engine.testing;

import java.nio.file.Path;

/**
 * Generated multi-socket hosts: NUMA nodes, CPU topology, hugepage pools and devices with their
 * {@code numa_node}/{@code local_cpulist}, laid out as Linux numbers them on an Intel two-socket server
 * (the first hardware thread of every core first, socket by socket, then the second threads).
 */
public final class NumaHosts {
    /** A NIC on node 0. */
    public static final String NIC_NODE0 = "0000:17:00.0";
    /** A NIC on node 1. */
    public static final String NIC_NODE1 = "0000:b3:00.0";
    /** A second device on node 1 (an NVMe drive). */
    public static final String NVME_NODE1 = "0000:b4:00.0";

    private NumaHosts() {
    }

    /**
     * Two sockets of {@code coresPerSocket} cores with two threads each: node 0 holds CPUs
     * {@code 0..c-1} and {@code 2c..3c-1}, node 1 {@code c..2c-1} and {@code 3c..4c-1}; CPU N and
     * N+2c are siblings. The upper half of each node's cores is isolated and nohz_full. Each node has
     * 64 GiB, 2M pools of 1024 pages (512 free) and 1G pools of 8 pages (4 free). Devices:
     * {@link #NIC_NODE0} on node 0, {@link #NIC_NODE1} and {@link #NVME_NODE1} on node 1.
     */
    public static SysfsTree twoSocket(Path dir, int coresPerSocket) {
        SysfsTree t = SysfsTree.create(dir);
        int c = coresPerSocket;
        int threads = 4 * c;
        StringBuilder isolated = new StringBuilder();
        for (int node = 0; node < 2; node++) {
            String cpus = range(node * c, node * c + c - 1) + "," + range(2 * c + node * c, 2 * c + node * c + c - 1);
            String nd = "/sys/devices/system/node/node" + node + "/";
            t.file(nd + "cpulist", cpus + "\n");
            t.file(nd + "meminfo", "Node " + node + " MemTotal:       67108864 kB\nNode " + node
                    + " MemFree:        60000000 kB\nNode " + node + " MemUsed:         7108864 kB\n");
            pool(t, node, 2048, 1024, 512);
            pool(t, node, 1048576, 8, 4);
            int half = c / 2;
            String iso = range(node * c + half, node * c + c - 1) + "," + range(2 * c + node * c + half, 2 * c + node * c + c - 1);
            isolated.append(isolated.length() == 0 ? "" : ",").append(iso);
        }
        t.file("/sys/devices/system/node/online", "0-1\n");
        for (int cpu = 0; cpu < threads; cpu++) {
            int core = cpu % (2 * c);
            int pkg = core / c;
            String td = "/sys/devices/system/cpu/cpu" + cpu + "/topology/";
            t.file(td + "physical_package_id", pkg + "\n");
            t.file(td + "core_id", (core % c) + "\n");
            t.file(td + "thread_siblings_list", core + "," + (core + 2 * c) + "\n");
        }
        t.file("/sys/devices/system/cpu/online", range(0, threads - 1) + "\n");
        t.file("/sys/devices/system/cpu/isolated", isolated + "\n");
        t.file("/sys/devices/system/cpu/nohz_full", isolated + "\n");
        device(t, NIC_NODE0, 0x8086, 0x1572, 0x020000, 0, c, 20);
        device(t, NIC_NODE1, 0x8086, 0x1572, 0x020000, 1, c, 21);
        device(t, NVME_NODE1, 0x144d, 0xa80a, 0x010802, 1, c, 22);
        return t;
    }

    /** Sets a node's pool of {@code sizeKib} pages: {@code nr_hugepages} and {@code free_hugepages}. */
    public static void pool(SysfsTree t, int node, long sizeKib, long total, long free) {
        String pd = "/sys/devices/system/node/node" + node + "/hugepages/hugepages-" + sizeKib + "kB/";
        t.file(pd + "nr_hugepages", total + "\n");
        t.file(pd + "free_hugepages", free + "\n");
        t.file(pd + "surplus_hugepages", "0\n");
    }

    private static void device(SysfsTree t, String address, int vendor, int device, int klass, int node, int c, int group) {
        t.pci(address).vendor(vendor).device(device).klass(klass).pcie().numaNode(node).iommuGroup(group).add();
        String cpus = range(node * c, node * c + c - 1) + "," + range(2 * c + node * c, 2 * c + node * c + c - 1);
        t.file("/sys/bus/pci/devices/" + address + "/local_cpulist", cpus + "\n");
    }

    private static String range(int lo, int hi) {
        return lo == hi ? Integer.toString(lo) : lo + "-" + hi;
    }
}
