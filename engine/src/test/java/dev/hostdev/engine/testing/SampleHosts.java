package dev.hostdev.engine.testing;

import java.nio.file.Path;

/**
 * Ready-made trees for tests: a workstation with a GPU and its audio function sharing a group, a
 * NIC with SR-IOV, a pcie-pci-bridge with two devices behind it, and USB devices.
 */
public final class SampleHosts {
    private SampleHosts() {
    }

    /**
     * A workstation:
     * <ul>
     *   <li>00:00.0 host bridge (group 0, no driver); 00:02.0 VGA, boot_vga, i915 (group 1);</li>
     *   <li>00:1c.0 root port (pcieport, group 2) with 01:00.0 GPU (nouveau) and 01:00.1 HDMI audio
     *       (snd_hda_intel), both in group 14;</li>
     *   <li>00:1c.4 root port (pcieport, group 3) with 02:00.0 an Intel 82576 PF (igb, 8 VFs, 2 on:
     *       02:10.0 and 02:10.2 on igbvf, groups 20 and 21), reset flr+bus, link 2.5 GT/s x4;</li>
     *   <li>00:1e.0 root port (group 4) with 03:00.0 pcie-pci-bridge, no driver, and behind it 04:01.0
     *       (e1000, Ethernet) and 04:02.0 (no driver), all three in group 5;</li>
     *   <li>00:14.0 xHCI controller (group 6) with USB 1-2 (Logitech 046d:c52b), hub 1-3 with 1-3.1
     *       (a Yubikey 1050:0407);</li>
     *   <li>00:1f.2 SATA controller, ahci, group 7, NUMA node 0.</li>
     * </ul>
     */
    public static SysfsTree workstation(Path dir) {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("0000:00:00.0").vendor(0x8086).device(0x3e30).klass(0x060000).revision(0x0d).iommuGroup(0).add();
        t.pci("0000:00:02.0").vendor(0x8086).device(0x3e92).klass(0x030000).bootVga(true).driver("i915")
                .iommuGroup(1).add();
        t.pci("0000:00:1c.0").vendor(0x8086).device(0xa33c).rootPort().secondaryBus(1).driver("pcieport")
                .iommuGroup(2).add();
        t.pci("0000:01:00.0").parent("0000:00:1c.0").vendor(0x10de).device(0x1b80).klass(0x030000)
                .revision(0xa1).pcie().multiFunction().driver("nouveau").iommuGroup(14).bootVga(false)
                .resetMethods("bus").link("8.0 GT/s PCIe", 16).bar(0, 0xde000000L, 0x1000000).add();
        t.pci("0000:01:00.1").parent("0000:00:1c.0").vendor(0x10de).device(0x10f0).klass(0x040300)
                .revision(0xa1).pcie().driver("snd_hda_intel").iommuGroup(14).add();
        t.pci("0000:00:1c.4").vendor(0x8086).device(0xa338).rootPort().secondaryBus(2).driver("pcieport")
                .iommuGroup(3).add();
        t.pci("0000:02:00.0").parent("0000:00:1c.4").vendor(0x8086).device(0x10c9).klass(0x020000).revision(1)
                .subsystem(0x8086, 0xa03c).pcie().multiFunction().driver("igb").iommuGroup(19).numaNode(0)
                .resetMethods("flr", "bus").link("2.5 GT/s PCIe", 4).maxLink("5.0 GT/s PCIe", 4).sriov(8, 2).add();
        t.pci("0000:02:10.0").parent("0000:00:1c.4").vendor(0x8086).device(0x10ca).klass(0x020000).revision(1)
                .pcie().driver("igbvf").iommuGroup(20).virtfnOf("0000:02:00.0", 0).resetMethods("flr").add();
        t.pci("0000:02:10.2").parent("0000:00:1c.4").vendor(0x8086).device(0x10ca).klass(0x020000).revision(1)
                .pcie().driver("igbvf").iommuGroup(21).virtfnOf("0000:02:00.0", 1).resetMethods("flr").add();
        t.pci("0000:00:1e.0").vendor(0x8086).device(0xa33e).rootPort().secondaryBus(3).driver("pcieport")
                .iommuGroup(4).add();
        t.pci("0000:03:00.0").parent("0000:00:1e.0").pcieToPciBridge().secondaryBus(4).iommuGroup(5).add();
        t.pci("0000:04:01.0").parent("0000:03:00.0").vendor(0x8086).device(0x100e).klass(0x020000).revision(3)
                .driver("e1000").iommuGroup(5).add();
        t.pci("0000:04:02.0").parent("0000:03:00.0").vendor(0x1af4).device(0x1000).klass(0x020000)
                .iommuGroup(5).add();
        t.pci("0000:00:14.0").vendor(0x8086).device(0xa36d).klass(0x0c0330).revision(0x10).driver("xhci_hcd")
                .iommuGroup(6).add();
        t.pci("0000:00:1f.2").vendor(0x8086).device(0xa352).klass(0x010601).revision(0x10).driver("ahci")
                .iommuGroup(7).numaNode(0).add();
        t.usb("1-2").controller("0000:00:14.0").vendor(0x046d).product(0xc52b).manufacturer("Logitech")
                .productName("USB Receiver").speed("12").usbInterface(0x03, "usbhid").add();
        t.usb("1-3").controller("0000:00:14.0").vendor(0x05e3).product(0x0610).productName("USB2.1 Hub").hub().add();
        t.usb("1-3.1").vendor(0x1050).product(0x0407).manufacturer("Yubico").productName("YubiKey OTP+FIDO+CCID")
                .serial("0123").add();
        return t;
    }
}
