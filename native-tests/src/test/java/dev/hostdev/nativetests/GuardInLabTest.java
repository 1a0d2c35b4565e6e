package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.lab.GuestPciDevice;
import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.LabMachine;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The host guard's blind spots of issue 11 item 4, each set up on the real kernel of the lab VM and each
 * refused by {@code hostdev detach} with exit 5 naming the use, the device left on its driver: an IPv4
 * address on a VLAN and on a macvlan over the NIC, the NIC moved into another network namespace with an
 * address, an NVMe filesystem mounted only in another mount namespace, the NVMe namespace held open raw,
 * a lazily unmounted filesystem with a file open. Last, with everything taken down, a dry run of both
 * devices passes: the guard does not refuse what nobody uses.
 */
class GuardInLabTest {
    private static final Path DISK_IMAGE = diskImage();

    /** The standard lab plus a 32 MiB namespace on its NVMe controller (its {@code drive} in the lab's spec). */
    @RegisterExtension
    static final LabVmExtension LAB = new LabVmExtension(LabMachine.standard().withNvmeDrive(DISK_IMAGE));

    static String nic;
    static String nvme;
    static String hostdev;

    private static Path diskImage() {
        try {
            Path image = Files.createTempFile("hostdev-guard-lab-", ".img");
            try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
                f.setLength(32L << 20);
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    static void findDevicesAndMakeAFilesystem() {
        GuestResult lspci = LAB.vm().run("lspci -Dn");
        assertTrue(lspci.ok(), lspci::describe);
        List<GuestPciDevice> devices = GuestPciDevice.parseLspci(lspci.stdout());
        nic = GuestPciDevice.withId(devices, LabMachine.E1000E_ID).get(0).address();
        nvme = GuestPciDevice.withId(devices, LabMachine.NVME_ID).get(0).address();
        hostdev = LAB.env().java() + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar " + LabVmExtension.hostdevJarOrSkip();
        GuestResult fs = LAB.vm().run(vars() + "modprobe -a ext4 8021q macvlan && test -b /dev/$NS && mkfs.ext4 -q -F /dev/$NS "
                + "&& mkdir -p /tmp/gm && echo \"$IF $NS\"", Duration.ofSeconds(120));
        assertTrue(fs.ok(), fs::describe);
        System.out.println("[lab] guard cases on " + nic + " (" + fs.stdout().strip() + ") and " + nvme);
    }

    @AfterAll
    static void deleteTheImage() throws IOException {
        Files.deleteIfExists(DISK_IMAGE);
    }

    /** Shell variables: NIC, IF (its interface), NVME, NS (its namespace's block device). */
    private static String vars() {
        return "NIC=" + nic + "; NVME=" + nvme + "; IF=$(ls /sys/bus/pci/devices/$NIC/net | head -1); "
                + "NS=$(ls /sys/block | grep '^nvme' | head -1); ";
    }

    /**
     * Sets the case up, runs {@code hostdev detach} of the device, takes the case down; returns the
     * script's output: {@code exit=N}, hostdev's output, {@code driver=…}, and whatever the setup printed.
     */
    private static String refused(String device, String setup, String teardown) {
        String script = vars() + "set -e; " + setup + "\nset +e; sleep 0.3; " + hostdev + " detach " + device
                + " > /tmp/g.out 2>&1; echo \"exit=$?\"; cat /tmp/g.out; "
                + "echo \"driver=$(basename $(readlink /sys/bus/pci/devices/" + device + "/driver))\"; " + teardown;
        GuestResult r = LAB.vm().run(script, Duration.ofMinutes(4));
        System.out.println("[lab] " + r.stdout().strip().replace("\n", "\n[lab]   "));
        assertTrue(r.ok(), r::describe);
        assertTrue(r.stdout().contains("exit=5\n"), "hostdev detach refuses with exit 5 (HOST_IN_USE): " + r.describe());
        return r.stdout();
    }

    /** Shell that waits (up to 30 s: the guest runs under TCG, often loaded) until a condition holds, then goes on. */
    private static String until(String condition) {
        return "for i in $(seq 300); do " + condition + " && break; sleep 0.1; done; " + condition + "; ";
    }

    private static void assertMentions(String out, String... phrases) {
        for (String p : phrases) {
            assertTrue(out.contains(p), "'" + p + "' in: " + out);
        }
    }

    @Test
    void anIpv4AddressOnAVlanOverTheNic() {
        String out = refused(nic, "ip link add link $IF name vl100 type vlan id 100; ip link set $IF up; ip link set vl100 up; "
                + "ip addr add 192.0.2.1/24 dev vl100", "ip link del vl100; ip link set $IF down");
        assertMentions(out, "interface vl100 on top of eth", "driver=e1000e");
    }

    @Test
    void aSlash32OnAMacvlanOverTheNic() {
        String out = refused(nic, "ip link add link $IF name mv0 type macvlan mode bridge; ip link set $IF up; ip link set mv0 up; "
                + "ip addr add 192.0.2.2/32 dev mv0", "ip link del mv0; ip link set $IF down");
        assertMentions(out, "interface mv0 on top of eth", "up with an IPv4 address", "driver=e1000e");
    }

    @Test
    void theNicMovedIntoAnotherNetworkNamespaceWithAnAddress() {
        String out = refused(nic, "unshare -n sleep 600 & P=$!; " + until("[ \"$(readlink /proc/$P/ns/net)\" != \"$(readlink /proc/self/ns/net)\" ]")
                        + "ip link set $IF netns $P; "
                        + "nsenter -t $P -n ip addr add 10.9.0.1/24 dev $IF; nsenter -t $P -n ip link set $IF up; "
                        + "echo \"host sees [$(ls /sys/bus/pci/devices/$NIC/net)] under net/\"",
                "kill $P; " + until("[ -e /sys/class/net/$IF ]") + "ip link set $IF down");
        assertMentions(out, "host sees [] under net/", "its interface was moved into another network namespace",
                "10.9.0.1", "driver=e1000e");
    }

    @Test
    void anNvmeFilesystemMountedOnlyInAnotherMountNamespace() {
        String out = refused(nvme, "unshare -m --propagation private sh -c \"mount /dev/$NS /tmp/gm && exec sleep 600\" & P=$!; "
                        + until("grep -q /tmp/gm /proc/$P/mountinfo") + "echo \"host mounts: $(grep -c $NS /proc/mounts || true)\"",
                "kill $P; sleep 0.3");
        assertMentions(out, "host mounts: 0", "holds a mounted filesystem", "mounted on /tmp/gm in the mount namespace mnt:[",
                "driver=nvme");
    }

    @Test
    void theNvmeNamespaceHeldOpenRaw() {
        String out = refused(nvme, "sh -c \"exec 3</dev/$NS; exec sleep 600\" & P=$!; " + until("[ -e /proc/$P/fd/3 ]"), "kill $P");
        assertMentions(out, "has a block device held open by a process (/dev/nvme", "(sleep)", "driver=nvme");
    }

    @Test
    void aLazilyUnmountedFilesystemWithAFileOpen() {
        String out = refused(nvme, "mount /dev/$NS /tmp/gm; echo data > /tmp/gm/f; sh -c \"exec 4</tmp/gm/f; exec sleep 600\" & "
                        + "P=$!; " + until("[ -e /proc/$P/fd/4 ]") + "umount -l /tmp/gm; echo \"host mounts: $(grep -c $NS /proc/mounts || true)\"",
                "kill $P; sleep 0.3");
        assertMentions(out, "host mounts: 0", "holds a lazily unmounted filesystem with files still open", "(sleep) has /f open",
                "driver=nvme");
    }

    @Test
    void withEverythingTakenDownBothAreFree() {
        // JUnit runs the cases in a fixed but unspecified order: take them all down again, to be sure.
        GuestResult r = LAB.vm().run(vars() + "ip link del vl100 2>/dev/null; ip link del mv0 2>/dev/null; umount /tmp/gm 2>/dev/null; "
                + hostdev + " detach --dry-run " + nic + " " + nvme + "; echo \"exit=$?\"", Duration.ofMinutes(4));
        System.out.println("[lab] " + r.stdout().strip().replace("\n", "\n[lab]   "));
        assertTrue(r.stdout().contains("exit=0"), r::describe);
        assertEquals(0, r.exitStatus(), r::describe);
    }
}
