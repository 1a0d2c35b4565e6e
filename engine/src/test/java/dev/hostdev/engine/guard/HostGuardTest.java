package dev.hostdev.engine.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.hostdev.engine.testing.TmpfsTempDir;
import org.junit.jupiter.api.io.TempDir;

/** The guard on fake /proc and /sys trees: disks, swap, md/dm members, network, display, host bridges. */
class HostGuardTest {
    static final PciAddress SATA = PciAddress.parse("00:1f.2");
    static final PciAddress NIC = PciAddress.parse("04:01.0");
    static final PciAddress IGD = PciAddress.parse("00:02.0");
    static final PciAddress GPU = PciAddress.parse("01:00.0");
    static final PciAddress HOST_BRIDGE = PciAddress.parse("00:00.0");
    static final PciAddress XHCI = PciAddress.parse("00:14.0");

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    SysfsTree tree;
    HostGuard guard;

    @BeforeEach
    void setUp() throws IOException {
        tree = SampleHosts.workstation(dir);
        guard = new HostGuard(tree.sysfs());
        disk(SATA, "ata1/host0/target0:0:0/0:0:0:0/block", "sda", "sda1", "sda2");
        disk(XHCI, "usb1/1-4/1-4:1.0/host1/target1:0:0/1:0:0:0/block", "sdb", "sdb1");
    }

    /** A disk under a PCI device, its partitions, and the /sys/block and /sys/class/block links. */
    private Path disk(PciAddress controller, String below, String name, String... partitions) throws IOException {
        Path d = tree.pciDeviceDir(controller.toString()).resolve(below).resolve(name);
        Files.createDirectories(d.resolve("holders"));
        Files.createDirectories(tree.sysPath("class/block"));
        Files.createDirectories(tree.sysPath("block"));
        Files.createSymbolicLink(tree.sysPath("block/" + name), tree.sysPath("block").relativize(d));
        Files.createSymbolicLink(tree.sysPath("class/block/" + name), tree.sysPath("class/block").relativize(d));
        for (String p : partitions) {
            Files.createDirectories(d.resolve(p).resolve("holders"));
            Files.writeString(d.resolve(p).resolve("partition"), "1\n");
            Files.createSymbolicLink(tree.sysPath("class/block/" + p), tree.sysPath("class/block").relativize(d.resolve(p)));
        }
        return d;
    }

    /** A device-mapper device dm-N named {@code name} on top of the given block devices. */
    private void dm(String dmName, String name, Path... slaves) throws IOException {
        Path d = tree.sysPath("devices/virtual/block/" + dmName);
        Files.createDirectories(d.resolve("slaves"));
        Files.createDirectories(d.resolve("dm"));
        Files.writeString(d.resolve("dm/name"), name + "\n");
        Files.createSymbolicLink(tree.sysPath("block/" + dmName), tree.sysPath("block").relativize(d));
        Files.createSymbolicLink(tree.sysPath("class/block/" + dmName), tree.sysPath("class/block").relativize(d));
        for (Path s : slaves) {
            Files.createSymbolicLink(d.resolve("slaves").resolve(s.getFileName()), d.resolve("slaves").relativize(s));
            Files.createSymbolicLink(s.resolve("holders").resolve(dmName), s.resolve("holders").relativize(d));
        }
    }

    private Path iface(PciAddress dev, String name, String operstate) throws IOException {
        Path d = tree.pciDeviceDir(dev.toString()).resolve("net").resolve(name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("operstate"), operstate + "\n");
        Files.writeString(d.resolve("flags"), operstate.equals("up") ? "0x1003\n" : "0x1002\n");
        Files.createDirectories(tree.sysPath("class/net"));
        Files.createSymbolicLink(tree.sysPath("class/net/" + name), tree.sysPath("class/net").relativize(d));
        return d;
    }

    private Set<HostUse.Kind> kinds(PciAddress a) {
        return guard.hostUses(List.of(a)).stream().map(HostUse::kind).collect(Collectors.toSet());
    }

    @Test
    void theRootDiskIsRefusedEvenWithForce() {
        tree.file("/proc/mounts", "sysfs /sys sysfs rw 0 0\n/dev/sda1 / ext4 rw,relatime 0 0\n");
        HostdevException e = assertThrows(HostdevException.class, () -> guard.checkHostUse(List.of(SATA), true));
        assertEquals(ErrorCode.HOST_IN_USE, e.code());
        assertTrue(e.getMessage().contains("0000:00:1f.2 holds the root filesystem (/dev/sda1 mounted on /)"), e.getMessage());
        assertTrue(e.hint().contains("never"), e.hint());
        guard.checkHostUse(List.of(NIC), false);
    }

    @Test
    void aRootOnBtrfsOverTwoDisksHoldsBothOfThem() throws IOException {
        Path devices = tree.sysPath("fs/btrfs/4f1c2a0e-8d7b-4c55-9a41-0e5b1d2c3f60/devices");
        Files.createDirectories(devices);
        for (String member : new String[] {"sda2", "sdb1"}) {
            Files.createSymbolicLink(devices.resolve(member), devices.relativize(tree.sysPath("class/block/" + member).toRealPath()));
        }
        tree.file("/proc/mounts", "/dev/sda2 / btrfs rw,relatime,space_cache=v2 0 0\n");
        HostdevException e = assertThrows(HostdevException.class, () -> guard.checkHostUse(List.of(XHCI), true));
        assertEquals(ErrorCode.HOST_IN_USE, e.code(), "the USB disk holds half of the root filesystem: never, even with --force");
        assertTrue(e.getMessage().contains("/dev/sdb1, a device of the btrfs filesystem /dev/sda2 mounted on /"), e.getMessage());
        assertEquals(Set.of(HostUse.Kind.ROOT_DISK), kinds(SATA));
    }

    @Test
    void otherMountsSwapAndMembersAreRefusedUnlessForced() throws IOException {
        tree.file("/proc/mounts", "/dev/sdb1 /media/usb\\040stick vfat rw 0 0\n");
        assertEquals(Set.of(HostUse.Kind.MOUNTED_FILESYSTEM), kinds(XHCI));
        HostdevException e = assertThrows(HostdevException.class, () -> guard.checkHostUse(List.of(XHCI), false));
        assertTrue(e.getMessage().contains("/dev/sdb1 mounted on /media/usb stick"), e.getMessage());
        guard.checkHostUse(List.of(XHCI), true);

        tree.file("/proc/mounts", "");
        tree.file("/proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n/dev/sda2 partition 1048572 0 -2\n");
        assertEquals(Set.of(HostUse.Kind.SWAP), kinds(SATA));

        tree.file("/proc/swaps", "Filename\tType\tSize\tUsed\tPriority\n");
        Files.createSymbolicLink(tree.sysPath("block/sda/sda2/holders/md0"), Path.of("../../../../md0"));
        assertEquals(Set.of(HostUse.Kind.STORAGE_MEMBER), kinds(SATA));
    }

    @Test
    void aRootOnLvmIsTracedThroughDeviceMapperAndDevLinks() throws IOException {
        Path sda2 = tree.sysPath("block/sda").toRealPath().resolve("sda2");
        dm("dm-0", "vg-root", sda2);
        Files.createDirectories(dir.resolve("dev/mapper"));
        Files.createSymbolicLink(dir.resolve("dev/mapper/vg-root"), Path.of("../dm-0"));
        tree.file("/proc/mounts", "/dev/mapper/vg-root / ext4 rw 0 0\n");
        assertTrue(kinds(SATA).contains(HostUse.Kind.ROOT_DISK));
        assertFalse(kinds(XHCI).contains(HostUse.Kind.ROOT_DISK));

        Files.createDirectories(dir.resolve("dev/disk/by-uuid"));
        Files.createSymbolicLink(dir.resolve("dev/disk/by-uuid/1234"), Path.of("../../sdb1"));
        tree.file("/proc/mounts", "/dev/disk/by-uuid/1234 / ext4 rw 0 0\n");
        assertTrue(kinds(XHCI).contains(HostUse.Kind.ROOT_DISK));
    }

    @Test
    void aMultipathNvmeRootIsTracedToItsControllers() throws IOException {
        PciAddress nvme = PciAddress.parse("02:00.0");
        Path controller = tree.pciDeviceDir(nvme.toString()).resolve("nvme/nvme0");
        Files.createDirectories(controller);
        Path subsys = tree.sysPath("devices/virtual/nvme-subsystem/nvme-subsys0");
        Path ns = subsys.resolve("nvme0n1");
        Files.createDirectories(ns.resolve("holders"));
        Files.createDirectories(ns.resolve("nvme0n1p2"));
        Files.writeString(ns.resolve("nvme0n1p2/partition"), "2\n");
        Files.createSymbolicLink(subsys.resolve("nvme0"), subsys.relativize(controller));
        Files.createSymbolicLink(tree.sysPath("block/nvme0n1"), tree.sysPath("block").relativize(ns));
        Files.createSymbolicLink(tree.sysPath("class/block/nvme0n1p2"), tree.sysPath("class/block").relativize(ns.resolve("nvme0n1p2")));
        tree.file("/proc/mounts", "/dev/nvme0n1p2 / ext4 rw 0 0\n");
        assertEquals(Set.of(HostUse.Kind.ROOT_DISK), kinds(nvme));
    }

    @Test
    void aRootDiskBehindVmdInDomain10000IsTheRootDisk() throws IOException {
        // As Intel VMD lays it out: devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0.
        tree.pci("0000:00:0e.0").vendor(0x8086).device(0x467f).klass(0x010400).driver("vmd").add();
        tree.pci("10000:00:02.0").parent("0000:00:0e.0").vendor(0x8086).device(0x7a38).rootPort().secondaryBus(1)
                .driver("pcieport").add();
        tree.pci("10000:01:00.0").parent("10000:00:02.0").vendor(0x144d).device(0xa80a).klass(0x010802).pcie()
                .driver("nvme").add();
        PciAddress drive = PciAddress.parse("10000:01:00.0");
        assertTrue(tree.pciDeviceDir("10000:01:00.0").toString()
                .endsWith("pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0"));
        disk(drive, "nvme/nvme0", "nvme0n1", "nvme0n1p1");
        tree.file("/proc/mounts", "/dev/nvme0n1p1 / ext4 rw 0 0\n");
        HostdevException e = assertThrows(HostdevException.class, () -> guard.checkHostUse(List.of(drive), true));
        assertEquals(ErrorCode.HOST_IN_USE, e.code());
        assertTrue(e.getMessage().contains("10000:01:00.0 holds the root filesystem"), e.getMessage());
        assertEquals(Set.of(HostUse.Kind.ROOT_DISK), kinds(PciAddress.parse("10000:00:02.0")));
    }

    @Test
    void aNetworkInterfaceIsUsedWhenUpWithRoutesOrAddressesOrEnslaved() throws IOException {
        Path eth = iface(NIC, "eth0", "down");
        tree.file("/proc/net/route", "Iface\tDestination\tGateway\tFlags\nenp4s1\t00000000\t010200C0\t0003\n");
        assertEquals(Set.of(), kinds(NIC), "down, no routes for it");
        Files.writeString(eth.resolve("operstate"), "up\n");
        assertEquals(Set.of(), kinds(NIC), "up but without routes or addresses");
        tree.file("/proc/net/route", "Iface\tDestination\tGateway\tFlags\neth0\t00000000\t010200C0\t0003\n");
        assertEquals(Set.of(HostUse.Kind.NETWORK), kinds(NIC));
        tree.file("/proc/net/route", "Iface\tDestination\n");
        tree.file("/proc/net/if_inet6", "fe800000000000000000000000000001 02 40 20 80 eth0\n");
        assertEquals(Set.of(), kinds(NIC), "a link-local address alone does not count");
        tree.file("/proc/net/if_inet6", "20010db8000000000000000000000001 02 40 00 00 eth0\n");
        assertEquals(Set.of(HostUse.Kind.NETWORK), kinds(NIC));
        tree.file("/proc/net/if_inet6", "");
        Files.writeString(eth.resolve("operstate"), "down\n");
        Files.createDirectories(dir.resolve("sys/devices/virtual/net/br0"));
        Files.createSymbolicLink(eth.resolve("master"), eth.relativize(dir.resolve("sys/devices/virtual/net/br0")));
        HostUse use = guard.hostUses(List.of(NIC)).get(0);
        assertEquals("0000:04:01.0 is an active network interface (interface eth0 enslaved to br0)", use.describe());
        assertTrue(use.overridable());
    }

    @Test
    void anInterfaceUpWithAnIpv4AddressButNoRouteIsUsed() throws IOException {
        Path eth = iface(NIC, "eth0", "up");
        tree.file("/proc/net/route", "Iface\tDestination\tGateway\tFlags\n");
        Set<String> withIpv4 = new java.util.HashSet<>();
        guard = new HostGuard(tree.sysfs(), () -> Set.copyOf(withIpv4));
        assertEquals(Set.of(), kinds(NIC), "no address, no route");
        withIpv4.add("eth0"); // e.g. 'ip addr add 192.0.2.7/32 dev eth0': a /32 has no route
        HostUse use = guard.hostUses(List.of(NIC)).get(0);
        assertEquals("0000:04:01.0 is an active network interface (interface eth0 up with an IPv4 address)", use.describe());
        Files.writeString(eth.resolve("operstate"), "down\n");
        Files.writeString(eth.resolve("flags"), "0x1002\n");
        assertEquals(Set.of(), kinds(NIC), "an address on an interface that is down does not count");
    }

    @Test
    void bootVgaFramebufferAndHostBridge() throws IOException {
        assertEquals(Set.of(HostUse.Kind.BOOT_VGA), kinds(IGD));
        assertEquals(Set.of(HostUse.Kind.HOST_BRIDGE), kinds(HOST_BRIDGE));
        assertEquals(Set.of(), kinds(GPU));
        Path fb = tree.pciDeviceDir(GPU.toString()).resolve("graphics/fb0");
        Files.createDirectories(fb);
        Files.createDirectories(tree.sysPath("class/graphics"));
        Files.createSymbolicLink(tree.sysPath("class/graphics/fb0"), tree.sysPath("class/graphics").relativize(fb));
        assertEquals(Set.of(HostUse.Kind.FRAMEBUFFER), kinds(GPU));
        assertEquals(Set.of(), kinds(PciAddress.parse("00:1c.0")), "the root port above the GPU holds no framebuffer");
    }

    @Test
    void qemuProcessesAndLibvirtDomainsAreNamedAsHolders() {
        tree.file("/proc/100/cmdline", String.join("\0", "/usr/bin/qemu-system-x86_64", "-name", "guest=db,debug-threads=on",
                "-device", "vfio-pci,host=0000:01:00.0,id=hostdev0,bus=pci.1,addr=0x0") + "\0");
        tree.file("/proc/101/cmdline", String.join("\0", "qemu-kvm", "-device",
                "{\"driver\":\"vfio-pci\",\"host\":\"0000:02:10.0\",\"id\":\"hostdev1\"}") + "\0");
        tree.file("/proc/102/cmdline", String.join("\0", "qemu", "-device", "driver=vfio-pci,sysfsdev=/sys/bus/pci/devices/0000:02:10.2") + "\0");
        tree.file("/proc/103/cmdline", String.join("\0", "qemu", "-device", "e1000,netdev=n,romfile=a,,host=04:01.0") + "\0");
        tree.file("/proc/104/cmdline", "");
        tree.file("/proc/self-not-a-pid/cmdline", "x");
        tree.file("/run/libvirt/qemu/web.xml", """
                <domstatus state='running' pid='200'>
                  <domain type='kvm' id='1'>
                    <name>web</name>
                    <devices>
                      <hostdev mode='subsystem' type='pci' managed='yes'>
                        <driver name='vfio'/>
                        <source>
                          <address domain='0x0000' bus='0x04' slot='0x01' function='0x0'/>
                        </source>
                        <alias name='hostdev0'/>
                        <address type='pci' domain='0x0000' bus='0x07' slot='0x00' function='0x0'/>
                      </hostdev>
                    </devices>
                  </domain>
                </domstatus>
                """);
        List<PciAddress> all = List.of(GPU, PciAddress.parse("02:10.0"), PciAddress.parse("02:10.2"), NIC, SATA);
        List<String> claims = guard.claims(all).stream().map(Claim::describe).sorted().toList();
        assertEquals(List.of(
                "0000:01:00.0 is in use by QEMU pid 100 (qemu-system-x86_64, VM db)",
                "0000:02:10.0 is in use by QEMU pid 101 (qemu-kvm)",
                "0000:02:10.2 is in use by QEMU pid 102 (qemu)",
                "0000:04:01.0 is in use by libvirt domain web (/run/libvirt/qemu/web.xml)"), claims);
        HostdevException e = assertThrows(HostdevException.class, () -> guard.checkClaims(List.of(NIC)));
        assertEquals(ErrorCode.BUSY, e.code());
        guard.checkClaims(List.of(SATA));
    }
}
