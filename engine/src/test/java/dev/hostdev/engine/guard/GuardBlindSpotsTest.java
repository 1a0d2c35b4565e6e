package dev.hostdev.engine.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard's blind spots of issue 11 item 4, on generated /proc and /sys trees: addresses on stacked
 * interfaces, a NIC moved into another network namespace, a filesystem mounted only in another mount
 * namespace, a block device held open raw, a lazily unmounted filesystem with a file open.
 */
class GuardBlindSpotsTest {
    static final PciAddress NIC = PciAddress.parse("04:01.0");
    static final PciAddress XHCI = PciAddress.parse("00:14.0");

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    SysfsTree tree;
    Set<String> withIpv4 = new HashSet<>();
    HostGuard guard;

    @BeforeEach
    void setUp() throws IOException {
        tree = SampleHosts.workstation(dir);
        guard = new HostGuard(tree.sysfs(), () -> Set.copyOf(withIpv4));
        tree.file("/proc/net/route", "Iface\tDestination\tGateway\tFlags\n");
        link("/proc/self/ns/net", "net:[4026531840]");
        link("/proc/self/ns/mnt", "mnt:[4026531841]");
        process("1", "systemd", "net:[4026531840]", "mnt:[4026531841]");
    }

    private void link(String hostPath, String target) throws IOException {
        Path p = tree.hostRoot().resolve(hostPath);
        Files.createDirectories(p.getParent());
        Files.deleteIfExists(p);
        Files.createSymbolicLink(p, Path.of(target));
    }

    private void process(String pid, String comm, String netNs, String mntNs) throws IOException {
        tree.file("/proc/" + pid + "/comm", comm + "\n");
        link("/proc/" + pid + "/ns/net", netNs);
        link("/proc/" + pid + "/ns/mnt", mntNs);
    }

    /** A network interface in the host's namespace: the NIC's own ({@code under} a PCI device) or a virtual one. */
    private Path iface(String name, PciAddress under, boolean up, int ifindex, int iflink) throws IOException {
        Path d = under != null ? tree.pciDeviceDir(under.toString()).resolve("net").resolve(name)
                : tree.sysPath("devices/virtual/net/" + name);
        Files.createDirectories(d);
        Files.writeString(d.resolve("operstate"), up ? "up\n" : "down\n");
        Files.writeString(d.resolve("flags"), up ? "0x1003\n" : "0x1002\n");
        Files.writeString(d.resolve("ifindex"), ifindex + "\n");
        Files.writeString(d.resolve("iflink"), iflink + "\n");
        Files.createDirectories(tree.sysPath("class/net"));
        Files.createSymbolicLink(tree.sysPath("class/net/" + name), tree.sysPath("class/net").relativize(d));
        return d;
    }

    private static void stack(Path upper, Path lower) throws IOException {
        String l = lower.getFileName().toString();
        String u = upper.getFileName().toString();
        Files.createSymbolicLink(upper.resolve("lower_" + l), upper.relativize(lower));
        Files.createSymbolicLink(lower.resolve("upper_" + u), lower.relativize(upper));
    }

    private List<String> uses(PciAddress a) {
        return guard.hostUses(List.of(a)).stream().map(HostUse::describe).toList();
    }

    @Test
    void anAddressOnAVlanOrMacvlanCountsForTheNicBelow() throws IOException {
        Path eth = iface("eth0", NIC, true, 2, 2);
        Path vlan = iface("vl100", null, true, 5, 2);
        stack(vlan, eth);
        assertEquals(List.of(), uses(NIC), "nothing has an address yet");
        tree.file("/proc/net/route", "Iface\tDestination\tGateway\tFlags\nvl100\t0064A8C0\t00000000\t0001\n");
        assertEquals(List.of("0000:04:01.0 is an active network interface (interface vl100 on top of eth0 up with routes)"),
                uses(NIC));

        tree.file("/proc/net/route", "Iface\tDestination\tGateway\tFlags\n");
        Path macvlan = iface("mv0", null, true, 6, 2);
        stack(macvlan, eth);
        withIpv4.add("mv0"); // 'ip addr add 192.0.2.9/32 dev mv0': no route
        assertEquals(List.of("0000:04:01.0 is an active network interface (interface mv0 on top of eth0 up with an IPv4 address)"),
                uses(NIC));
        HostdevException e = assertThrows(HostdevException.class, () -> guard.checkHostUse(List.of(NIC), false));
        assertEquals(ErrorCode.HOST_IN_USE, e.code());
    }

    @Test
    void aBondOverAVlanIsFollowedDownToTheNic() throws IOException {
        Path eth = iface("eth0", NIC, true, 2, 2);
        Path vlan = iface("eth0.7", null, true, 5, 2);
        Path bond = iface("bond0", null, true, 7, 7);
        stack(vlan, eth);
        stack(bond, vlan);
        tree.file("/proc/net/if_inet6", "20010db8000000000000000000000001 07 40 00 00 bond0\n");
        assertEquals(List.of("0000:04:01.0 is an active network interface (interface bond0 on top of eth0 up with a global IPv6 address)"),
                uses(NIC));
    }

    @Test
    void aVlanWithoutLowerLinksIsFollowedByItsIflinkButAVethIsNot() throws IOException {
        iface("eth0", NIC, true, 2, 2);
        Path veth = iface("veth1a2b", null, true, 9, 2); // its peer is ifindex 2 in a container's namespace
        Files.createDirectories(tree.sysPath("devices/virtual/net/docker0"));
        Files.createSymbolicLink(veth.resolve("master"), veth.relativize(tree.sysPath("devices/virtual/net/docker0")));
        assertEquals(List.of(), uses(NIC), "a veth's iflink names its peer, not a lower device");
        Path vlan = iface("vl100", null, true, 5, 2);
        Files.writeString(vlan.resolve("uevent"), "DEVTYPE=vlan\nINTERFACE=vl100\nIFINDEX=5\n");
        withIpv4.add("vl100");
        assertEquals(List.of("0000:04:01.0 is an active network interface (interface vl100 on top of eth0 up with an IPv4 address)"),
                uses(NIC));
    }

    @Test
    void aNicMovedIntoAnotherNetworkNamespaceCounts() throws IOException {
        Path net = tree.pciDeviceDir(NIC.toString()).resolve("net");
        Files.createDirectories(net); // the host's sysfs hides the interface that moved away
        process("77", "sleep", "net:[4026532281]", "mnt:[4026531841]");
        process("78", "sleep", "net:[4026532281]", "mnt:[4026531841]");
        tree.file("/proc/77/net/dev", "Inter-|   Receive\n face |bytes\n    lo: 0 0\n  eth1: 0 0\n");
        tree.file("/proc/77/net/route", "Iface\tDestination\tGateway\tFlags\neth1\t0000090A\t00000000\t0001\n");
        tree.file("/proc/77/net/fib_trie", """
                Main:
                  +-- 10.9.0.0/24 2 0 2
                     |-- 10.9.0.0
                        /24 link UNICAST
                     |-- 10.9.0.1
                        /32 host LOCAL
                Local:
                  +-- 127.0.0.0/8 2 0 2
                     |-- 127.0.0.1
                        /32 host LOCAL
                """);
        HostdevException e = assertThrows(HostdevException.class, () -> guard.checkHostUse(List.of(NIC), false));
        assertEquals(ErrorCode.HOST_IN_USE, e.code());
        assertTrue(e.getMessage().contains("0000:04:01.0 is an active network interface (its interface was moved into another "
                + "network namespace; namespaces with addresses: net:[4026532281] of pid 77 (sleep): eth1 with routes; IPv4 10.9.0.1)"),
                e.getMessage());

        // A container's own sysfs says which PCI device eth1 is; the host's sysfs (other names) is not taken for it.
        link("/proc/77/root/sys/class/net/eth1", "../../devices/pci0000:00/0000:00:1e.0/0000:03:00.0/0000:04:01.0/net/eth1");
        link("/proc/77/root/sys/class/net/lo", "../../devices/virtual/net/lo");
        assertEquals(List.of("0000:04:01.0 is an active network interface (interface eth1 moved into the network namespace "
                + "net:[4026532281] of pid 77 (sleep), with routes; that namespace has IPv4 10.9.0.1)"), uses(NIC));
    }

    @Test
    void aNicWithItsInterfaceHereAndDownOrWithNoInterfaceIsFree() throws IOException {
        iface("eth0", NIC, false, 2, 2);
        process("77", "sleep", "net:[4026532281]", "mnt:[4026531841]");
        tree.file("/proc/77/net/route", "Iface\tDestination\tGateway\tFlags\neth1\t0000090A\t00000000\t0001\n");
        assertEquals(List.of(), uses(NIC));
        assertEquals(List.of(), uses(PciAddress.parse("04:02.0")), "no driver, no net directory");
    }

    /** A disk sdb with partition sdb1 behind the xHCI, with device numbers. */
    private Path usbDisk(String diskNumber, String partNumber) throws IOException {
        Path d = tree.pciDeviceDir(XHCI.toString()).resolve("usb1/1-4/1-4:1.0/host1/target1:0:0/1:0:0:0/block/sdb");
        Files.createDirectories(d.resolve("holders"));
        Files.createDirectories(d.resolve("sdb1/holders"));
        Files.writeString(d.resolve("sdb1/partition"), "1\n");
        Files.writeString(d.resolve("dev"), diskNumber + "\n");
        Files.writeString(d.resolve("sdb1/dev"), partNumber + "\n");
        for (String dirName : List.of("block", "class/block", "dev/block")) {
            Files.createDirectories(tree.sysPath(dirName));
        }
        Files.createSymbolicLink(tree.sysPath("block/sdb"), tree.sysPath("block").relativize(d));
        Files.createSymbolicLink(tree.sysPath("class/block/sdb"), tree.sysPath("class/block").relativize(d));
        Files.createSymbolicLink(tree.sysPath("class/block/sdb1"), tree.sysPath("class/block").relativize(d.resolve("sdb1")));
        Files.createSymbolicLink(tree.sysPath("dev/block/" + diskNumber), tree.sysPath("dev/block").relativize(d));
        Files.createSymbolicLink(tree.sysPath("dev/block/" + partNumber), tree.sysPath("dev/block").relativize(d.resolve("sdb1")));
        return d;
    }

    @Test
    void aFilesystemMountedOnlyInAnotherMountNamespaceCounts() throws IOException {
        usbDisk("8:16", "8:17");
        tree.file("/proc/mounts", "/dev/sda1 / ext4 rw 0 0\n");
        process("88", "sleep", "net:[4026531840]", "mnt:[4026532300]");
        process("89", "bash", "net:[4026531840]", "mnt:[4026532300]");
        process("90", "nginx", "net:[4026531840]", "mnt:[4026532301]");
        String mountinfo = "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
                + "40 22 8:17 / /mnt/usb\\040stick rw,relatime - vfat /dev/sdb1 rw\n";
        tree.file("/proc/88/mountinfo", mountinfo);
        tree.file("/proc/90/mountinfo", mountinfo);
        assertEquals(List.of("0000:00:14.0 holds a mounted filesystem (/dev/sdb1 mounted on /mnt/usb stick in the mount "
                + "namespace mnt:[4026532300] of pid 88 (sleep) (and 1 other namespace))"), uses(XHCI));

        tree.file("/proc/mounts", "/dev/sda1 / ext4 rw 0 0\n/dev/sdb1 /media ext4 rw 0 0\n");
        assertEquals(List.of("0000:00:14.0 holds a mounted filesystem (/dev/sdb1 mounted on /media)"), uses(XHCI),
                "mounted by the host too: said once, as the host's");
    }

    @Test
    void aBlockDeviceHeldOpenRawCounts() throws Exception {
        usbDisk("240:16", "240:17");
        Path node = dir.resolve("dev/sdb");
        Files.createDirectories(node.getParent());
        boolean made;
        try {
            made = new ProcessBuilder("mknod", node.toString(), "b", "240", "16").start().waitFor(10, TimeUnit.SECONDS)
                    && Files.exists(node);
        } catch (IOException e) {
            made = false;
        }
        Assumptions.assumeTrue(made, "making a block device node in the test tree needs CAP_MKNOD (root)");
        process("91", "dd", "net:[4026531840]", "mnt:[4026531841]");
        link("/proc/91/fd/0", "/dev/null");
        link("/proc/91/fd/3", node.toString());
        assertEquals(List.of("0000:00:14.0 has a block device held open by a process (/dev/sdb by pid 91 (dd))"), uses(XHCI));
        assertEquals(List.of(), uses(NIC));
    }

    /** glibc's major() and minor() of a dev_t. */
    private static String majorMinor(long dev) {
        return (((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L)) + ":" + ((dev & 0xffL) | ((dev >>> 12) & 0xffffff00L));
    }

    @Test
    void aLazilyUnmountedFilesystemWithAFileOpenCounts() throws IOException {
        Path file = Files.createDirectories(dir.resolve("detached")).resolve("data.txt");
        Files.writeString(file, "still open\n");
        String fsNumber = majorMinor((Long) Files.getAttribute(file, "unix:dev"));
        usbDisk("240:16", fsNumber); // the test tree's own filesystem stands for sdb1
        process("92", "tail", "net:[4026531840]", "mnt:[4026531841]");
        link("/proc/92/fd/4", file.toString());
        assertEquals(List.of("0000:00:14.0 holds a lazily unmounted filesystem with files still open (/dev/sdb1: pid 92 (tail) has "
                + file + " open)"), uses(XHCI));

        tree.file("/proc/mounts", "/dev/sdb1 /data ext4 rw 0 0\n");
        assertEquals(List.of("0000:00:14.0 holds a mounted filesystem (/dev/sdb1 mounted on /data)"), uses(XHCI),
                "open files on a mounted filesystem are that mount's business");
    }
}
