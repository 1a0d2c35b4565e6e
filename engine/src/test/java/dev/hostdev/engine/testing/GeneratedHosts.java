package dev.hostdev.engine.testing;

import java.nio.file.Path;
import java.util.Random;

/**
 * Large generated trees: servers full of SR-IOV network cards, for list tests against lspci and the
 * {@code hostdev list} benchmark.
 */
public final class GeneratedHosts {
    private GeneratedHosts() {
    }

    /**
     * A server with {@code devices} PCI functions or slightly more: a handful of chipset devices on
     * bus 0 of domains 0 and 1, then root ports (slots 03 to 12, all eight functions) each holding an SR-IOV PF (Intel 82599 or Mellanox
     * ConnectX-5, alternately) with up to 62 of its VFs enabled, every function in its own IOMMU group,
     * drivers and NUMA nodes varied.
     *
     * @param seed varies drivers, revisions and NUMA nodes reproducibly
     */
    public static SysfsTree sriovServer(Path dir, int devices, long seed) {
        Random random = new Random(seed);
        SysfsTree t = SysfsTree.create(dir);
        int group = 0;
        int count = 0;
        t.pci("0000:00:00.0").vendor(0x8086).device(0x2020).klass(0x060000).revision(0x04).iommuGroup(group++).add();
        t.pci("0000:00:1f.2").vendor(0x8086).device(0xa182).klass(0x010601).revision(0x09).driver("ahci")
                .iommuGroup(group++).add();
        t.pci("0000:00:14.0").vendor(0x8086).device(0xa1af).klass(0x0c0330).revision(0x09).driver("xhci_hcd")
                .iommuGroup(group++).add();
        t.pci("0001:00:00.0").vendor(0x8086).device(0x2020).klass(0x060000).revision(0x04).numaNode(1)
                .iommuGroup(group++).add();
        t.pci("0000:00:02.0").vendor(0x1a03).device(0x2000).klass(0x030000).revision(0x41).driver("ast")
                .bootVga(true).iommuGroup(group++).add();
        count += 5;
        int bus = 1;
        int port = 0;
        while (count < devices && bus < 256) {
            int domain = port % 2;
            int inDomain = port / 2;
            if (inDomain >= 128) {
                break;
            }
            String rootPort = String.format("%04x:00:%02x.%x", domain, 3 + inDomain / 8, inDomain % 8);
            int numa = domain;
            t.pci(rootPort).vendor(0x8086).device(0x2030 + (port % 4)).rootPort().secondaryBus(bus)
                    .driver("pcieport").numaNode(numa).iommuGroup(group++).add();
            count++;
            boolean mellanox = port % 2 == 1;
            String pf = String.format("%04x:%02x:00.0", domain, bus);
            int vfs = Math.min(62, Math.max(0, devices - count - 1));
            t.pci(pf).parent(rootPort).vendor(mellanox ? 0x15b3 : 0x8086).device(mellanox ? 0x1017 : 0x10fb)
                    .klass(0x020000).revision(mellanox ? 0 : 1).pcie().multiFunction()
                    .driver(mellanox ? "mlx5_core" : "ixgbe").numaNode(numa).iommuGroup(group++)
                    .resetMethods("flr", "bus").link("8.0 GT/s PCIe", 8).sriov(63, vfs).add();
            count++;
            for (int vf = 0; vf < vfs; vf++) {
                int devfn = 2 + vf;
                String addr = String.format("%04x:%02x:%02x.%x", domain, bus, devfn >> 3, devfn & 7);
                int pick = random.nextInt(10);
                String driver = pick < 6 ? (mellanox ? "mlx5_core" : "ixgbevf") : pick < 9 ? "vfio-pci" : null;
                t.pci(addr).parent(rootPort).vendor(mellanox ? 0x15b3 : 0x8086).device(mellanox ? 0x1018 : 0x10ed)
                        .klass(0x020000).revision(mellanox ? 0 : 1).pcie().driver(driver).numaNode(numa)
                        .iommuGroup(group++).virtfnOf(pf, vf).resetMethods("flr").add();
                count++;
            }
            bus++;
            port++;
        }
        return t;
    }
}
