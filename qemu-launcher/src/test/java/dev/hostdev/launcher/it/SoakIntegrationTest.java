package dev.hostdev.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.cli.CliRun;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostdev soak} on the real qemu-system-x86_64 with no guest OS (firmware only). Judged on QEMU's own
 * answers: a USB device's unplug completes in QEMU without a guest (QEMU itself sends DEVICE_DELETED), so a soak of
 * usb-kbd runs every cycle; a PCI device's unplug needs the guest's acknowledgement, which firmware never gives, so
 * a soak of e1000e stops at cycle 1 saying so, and leaves the device recorded as QEMU still has it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SoakIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private VmRuntimeDir dir;

    @RegisterExtension
    final StartedVms started = new StartedVms();

    /** Connections Hostdev has opened to the VM's monitor: each begins with qmp_capabilities in the transcript. */
    private long qmpConnections() throws java.io.IOException {
        try (java.util.stream.Stream<String> lines = Files.lines(dir.qmpLog())) {
            return lines.filter(l -> l.contains("-> {\"execute\":\"qmp_capabilities\"")).count();
        }
    }

    private CliRun hostdev(String... args) {
        return CliRun.under(root, args);
    }

    @Test
    void usbCyclesPassOnQemusOwnAnswersAndPciStopsAtTheFirstUnacknowledgedUnplug() throws Exception {
        assumeTrue(RealQemu.binary().isPresent(), RealQemu.SKIP);
        Path spec = Files.writeString(root.resolve("rig.toml"), """
                name = "rig"
                memory = "128M"
                cpus = 1
                accel = "tcg"
                spare_root_ports = 1

                [[device]]
                model = "qemu-xhci"
                id = "xhci"
                """);
        dir = started.dir(root, "rig");
        CliRun start = hostdev("vm", "start", spec.toString());
        assertEquals(0, start.exitCode(), start.err());

        Path plot = root.resolve("usb.svg");
        long connectionsBefore = qmpConnections();
        CliRun usb = hostdev("soak", "rig", "--emulated", "usb-kbd", "--cycles", "20", "--plot", plot.toString(), "--json");
        assertEquals(0, usb.exitCode(), usb.out() + usb.err());
        assertEquals(1, qmpConnections() - connectionsBefore, "20 cycles over one QMP connection (qmp_capabilities in " + dir.qmpLog() + ")");
        JsonNode r = JSON.readTree(usb.out());
        assertEquals(20, r.path("passed").asInt(), usb.out());
        assertEquals(20, r.path("latency_ms").path("del").path("count").asInt());
        assertEquals(20, r.path("latency_ms").path("cycle").path("count").asInt());
        assertTrue(r.path("rss_kib").path("qemu").path("start").asLong() > 0, "QEMU's VmRSS is read: " + usb.out());
        assertTrue(r.path("rss_kib").path("hostdev").path("end").asLong() > 0, usb.out());
        assertTrue(Files.readString(plot).contains("<polyline"), "the plot has the latencies");

        CliRun text = hostdev("soak", "rig", "--emulated", "usb-kbd", "--cycles", "3", "--progress");
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().startsWith("soak of usb-kbd on VM rig: 3 of 3 cycles run, 3 passed, 0 failed"), text.out());
        assertTrue(text.err().contains("soak: cycle 3/3, 3 passed, 0 failed"), "--progress without a terminal: " + text.err());

        CliRun pci = hostdev("soak", "rig", "--emulated", "e1000e", "--cycles", "5", "--timeout", "1");
        assertEquals(10, pci.exitCode(), pci.out() + pci.err());
        assertTrue(pci.out().startsWith("soak of e1000e on VM rig: 1 of 5 cycles run, 0 passed, 1 failed"), pci.out());
        assertTrue(pci.err().startsWith("hostdev: stopped at cycle 1: unplug of soak1-1 failed: no guest acknowledged the unplug of soak1-1"),
                pci.err());
        CliRun status = hostdev("vm", "status", "rig", "--json");
        assertTrue(status.out().contains("\"id\":\"soak1-1\""), "QEMU still has it, so it stays recorded: " + status.out());

        CliRun next = hostdev("soak", spec.toString(), "--emulated", "usb-kbd", "--cycles", "2", "--json"); // the VM of that spec
        assertEquals(0, next.exitCode(), next.out() + next.err());
        assertEquals("soak2", JSON.readTree(next.out()).path("devices").get(0).path("id").asText(), "soak1-1 is pending: the next soak takes the next stem");
    }
}
