package dev.hostdev.engine.bind;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.state.DeviceRecords;
import dev.hostdev.engine.state.Journal;
import dev.hostdev.engine.state.StateDirectory;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A workstation tree ({@link SampleHosts#workstation}) with vfio-pci loaded, its simulated kernel and a
 * binder on them; {@link #restart()} stands for a new process on the same host after a crash.
 */
final class Bench {
    static final PciAddress GPU = PciAddress.parse("01:00.0");
    static final PciAddress AUDIO = PciAddress.parse("01:00.1");
    static final PciAddress NIC = PciAddress.parse("04:01.0");
    static final PciAddress UNBOUND = PciAddress.parse("04:02.0");
    static final PciAddress PCIE_PCI_BRIDGE = PciAddress.parse("03:00.0");
    static final PciAddress BOOT_VGA = PciAddress.parse("00:02.0");
    static final PciAddress HOST_BRIDGE = PciAddress.parse("00:00.0");
    static final PciAddress ROOT_PORT = PciAddress.parse("00:1c.0");

    final Path root;
    final SysfsTree tree;
    final SimulatedKernel kernel;
    final List<String> seen = new ArrayList<>();
    DeviceBinder binder;

    Bench(Path root) {
        this(root, SampleHosts.workstation(root).pciDriver("vfio-pci"));
    }

    private Bench(Path root, SysfsTree tree) {
        this(root, tree, new SimulatedKernel(root));
    }

    private Bench(Path root, SysfsTree tree, SimulatedKernel kernel) {
        this.root = root;
        this.tree = tree;
        this.kernel = kernel;
        restart();
    }

    /** A tree a test built itself (under {@code root}), with its simulated kernel, and a binder on them. */
    static Bench of(Path root, SysfsTree tree, SimulatedKernel kernel) {
        return new Bench(root, tree, kernel);
    }

    /** Only the workstation's GPU (with reset), its HDMI audio function (group 14) and their root port: quick to build. */
    static Bench gpuOnly(Path root) {
        SysfsTree t = SysfsTree.create(root).pciDriver("vfio-pci");
        t.pci("0000:00:1c.0").vendor(0x8086).device(0xa33c).rootPort().secondaryBus(1).driver("pcieport").iommuGroup(2).add();
        t.pci("0000:01:00.0").parent("0000:00:1c.0").vendor(0x10de).device(0x1b80).klass(0x030000).pcie().multiFunction()
                .driver("nouveau").iommuGroup(14).resetMethods("bus").add();
        t.pci("0000:01:00.1").parent("0000:00:1c.0").vendor(0x10de).device(0x10f0).klass(0x040300).pcie()
                .driver("snd_hda_intel").iommuGroup(14).add();
        return new Bench(root, t);
    }

    /**
     * Intel VMD as a laptop lays it out: the controller 0000:00:0e.0 (class 0x0104, group 5) owns domain 10000,
     * whose root ports and two NVMe drives share its IOMMU group (their DMA goes through it).
     */
    static Bench vmd(Path root) {
        SysfsTree t = SysfsTree.create(root).pciDriver("vfio-pci");
        t.pci("0000:00:0e.0").vendor(0x8086).device(0x467f).klass(0x010400).driver("vmd").iommuGroup(5).add();
        t.pci("10000:00:02.0").parent("0000:00:0e.0").vendor(0x8086).device(0x7a38).rootPort().secondaryBus(1)
                .driver("pcieport").iommuGroup(5).add();
        t.pci("10000:00:03.0").parent("0000:00:0e.0").vendor(0x8086).device(0x7a39).rootPort().secondaryBus(2)
                .driver("pcieport").iommuGroup(5).add();
        t.pci("10000:01:00.0").parent("10000:00:02.0").vendor(0x144d).device(0xa80a).klass(0x010802).pcie()
                .driver("nvme").iommuGroup(5).add();
        t.pci("10000:02:00.0").parent("10000:00:03.0").vendor(0x144d).device(0xa80a).klass(0x010802).pcie()
                .driver("nvme").iommuGroup(5).add();
        return new Bench(root, t);
    }

    /** A fresh binder, as a new process would have (the kernel's planned kills are cancelled). */
    Bench restart() {
        kernel.revive();
        BindObserver recorder = new BindObserver() {
            @Override
            public void beforeWrite(PciAddress device, SysfsWrite write) {
                seen.add(write.describe());
            }
        };
        binder = new DeviceBinder(tree.sysfs(kernel), recorder, "test");
        return this;
    }

    static List<PciAddress> devices(PciAddress... a) {
        return Arrays.asList(a);
    }

    static DetachOptions vfio() {
        return DetachOptions.defaults().withSettleTimeout(Duration.ofMillis(200));
    }

    String driver(PciAddress a) {
        return kernel.currentDriver(a.toString()).orElse(null);
    }

    String override(PciAddress a) {
        return kernel.driverOverride(a.toString()).orElse(null);
    }

    List<String> kernelWrites() {
        return kernel.writes().stream().map(SimulatedKernel.Write::toString).toList();
    }

    boolean vfioNode(int group) {
        return Files.exists(root.resolve("dev/vfio/" + group));
    }

    DeviceRecords records() {
        return new DeviceRecords(new StateDirectory(tree.hostRoot()));
    }

    Journal journal() {
        return new Journal(new StateDirectory(tree.hostRoot()));
    }
}
