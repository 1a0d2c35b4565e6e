package dev.hostdev.launcher.cmdline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.topology.PortRole;
import dev.hostdev.launcher.topology.RootPortPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Boots the host's Linux kernel (no initrd: it panics when it finds no root file system, then QEMU
 * exits with -no-reboot) under a generated command line and reads the guest kernel's own account
 * of the topology from the serial log: root ports at 00:01.x in plan order, the e1000e alone on
 * its port, the legacy e1000 at slot 1 behind the pcie-pci-bridge and in the bridge's IOMMU group,
 * interrupt remapping on, the hotplug port's 64-bit window exactly the size asked, and no bus
 * numbering the kernel had to repair. About 5 s under TCG. Skipped without QEMU or a kernel.
 */
class RealGuestTopologyTest {
    @TempDir
    Path dir;
    @RegisterExtension
    final PlannedQemu qemu = new PlannedQemu();

    @Test
    @Timeout(240)
    void theGuestKernelSeesThePlannedTopology() throws Exception {
        PlannedQemu.assumeInstalled();
        Optional<Path> kernel = dev.hostdev.launcher.it.RealQemu.hostKernel();
        Assumptions.assumeTrue(kernel.isPresent(), "no readable /boot/vmlinuz-*");
        LaunchPlan plan = qemu.plan(dir, "guest.toml", """
                name = "guest"
                memory = "256M"
                accel = "tcg"
                iommu = "intel"
                kernel = "%s"
                append = "console=ttyS0 intel_iommu=on panic=-1"
                serial = "serial.log"
                spare_root_ports = 1
                [[hotplug]]
                size = "1G"
                [[device]]
                model = "e1000e"
                id = "nic0"
                [[device]]
                model = "e1000"
                id = "legacy0"
                """.formatted(kernel.get()), false);
        List<String> argv = new ArrayList<>(plan.argv());
        argv.add("-no-reboot");
        assertTrue(qemu.start(argv).waitFor(180, TimeUnit.SECONDS), "the guest kernel panics and QEMU exits within 180 s");
        String log = Files.readString(dir.resolve("serial.log"));
        assertTrue(log.contains("VFS: Unable to mount root fs"), "the kernel ran to its root mount:\n" + tail(log));

        assertTrue(log.contains("DMAR-IR: Enabled IRQ remapping"), "interrupt remapping on");
        assertFalse(log.contains("bridge configuration invalid"), "the firmware numbered every bus right:\n" + tail(log));
        List<RootPortPlan> ports = plan.topology().rootPorts();
        for (RootPortPlan p : ports) {
            String at = String.format("pci 0000:00:%02x.%x: [1b36:000c]", p.port().slot(), p.port().function());
            assertTrue(log.contains(at), at + " (" + p.port().id() + ")");
        }
        String nicPort = guestAddress(ports.get(0));
        int nicBus = secondaryBus(log, nicPort);
        assertTrue(log.contains(String.format("pci 0000:%02x:00.0: [8086:10d3]", nicBus)), "e1000e at slot 0 of its port");

        Matcher legacy = Pattern.compile("pci 0000:([0-9a-f]{2}):01\\.0: \\[8086:100e\\]").matcher(log);
        assertTrue(legacy.find(), "e1000 at slot 1 behind the bridge");
        Matcher bridge = Pattern.compile("pci (0000:[0-9a-f]{2}:00\\.0): \\[1b36:000e\\]").matcher(log);
        assertTrue(bridge.find(), "the pcie-pci-bridge");
        String e1000 = "0000:" + legacy.group(1) + ":01.0";
        assertEquals(iommuGroup(log, bridge.group(1)), iommuGroup(log, e1000), "a device behind the bridge shares its group");
        assertFalse(iommuGroup(log, "0000:" + String.format("%02x", nicBus) + ":00.0").equals(iommuGroup(log, e1000)));

        RootPortPlan hot = ports.stream().filter(p -> p.role() == PortRole.HOTPLUG).findFirst().orElseThrow();
        Matcher window = Pattern.compile(Pattern.quote("pci " + guestAddress(hot) + ":   bridge window [mem 0x")
                + "([0-9a-f]+)-0x([0-9a-f]+) 64bit pref\\]").matcher(log);
        assertTrue(window.find(), "the hotplug port's 64-bit window");
        assertEquals(1L << 30, Long.parseLong(window.group(2), 16) - Long.parseLong(window.group(1), 16) + 1, "pref64-reserve=1G honoured");
    }

    private static String guestAddress(RootPortPlan p) {
        return String.format("0000:00:%02x.%x", p.port().slot(), p.port().function());
    }

    private static int secondaryBus(String log, String port) {
        Matcher m = Pattern.compile(Pattern.quote("pci " + port + ": PCI bridge to [bus ") + "([0-9a-f]{2})").matcher(log);
        assertTrue(m.find(), "bus behind " + port);
        return Integer.parseInt(m.group(1), 16);
    }

    private static String iommuGroup(String log, String address) {
        Matcher m = Pattern.compile(Pattern.quote("pci " + address + ": Adding to iommu group ") + "(\\d+)").matcher(log);
        assertTrue(m.find(), address + " in an IOMMU group");
        return m.group(1);
    }

    private static String tail(String log) {
        return log.length() > 3000 ? log.substring(log.length() - 3000) : log;
    }
}
