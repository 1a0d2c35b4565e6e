package dev.hostdev.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.cli.CliRun;
import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpOptions;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM side end to end with the real qemu-system-x86_64 (TCG, firmware only, no guest OS): start
 * from a spec with spare root ports, hotplug and unplug emulated devices, kill QEMU, stop. Every QEMU
 * and supervisor these tests start is killed by pid afterwards, whatever happened.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VmLifecycleIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private Path spec;
    @RegisterExtension
    final StartedVms started = new StartedVms();

    @BeforeEach
    void spec() throws Exception {
        assumeTrue(RealQemu.binary().isPresent(), RealQemu.SKIP);
        spec = root.resolve("itvm.toml");
        Files.writeString(spec, """
                name = "itvm"
                memory = "128M"
                cpus = 1
                accel = "tcg"
                spare_root_ports = 2
                legacy_hotplug = true

                [[device]]
                model = "qemu-xhci"
                id = "xhci"
                """);
    }

    private CliRun hostdev(String... args) {
        return CliRun.under(root, args);
    }

    private VmRuntimeDir startVm() {
        VmRuntimeDir dir = started.dir(root, "itvm");
        CliRun r = hostdev("vm", "start", spec.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("started VM itvm (QEMU pid "), r.out());
        return dir;
    }

    private QmpClient qmp(VmRuntimeDir dir) {
        return QmpClient.connect(dir.qmpSocket(), QmpOptions.defaults());
    }

    private static Set<String> peripheralIds(QmpClient q) {
        QmpCall list = QmpCall.listPeripherals();
        return QemuMonitor.peripheralIds(q.execute(list.command(), list.arguments()));
    }

    @Test
    void startsWithItsDevicesRunningAndARestrictedRuntimeDir() throws Exception {
        VmRuntimeDir dir = startVm();
        VmRecord r = dir.require();
        assertEquals(VmState.RUNNING, r.state());
        assertTrue(r.qemuAlive());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.dir())));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.qmpSocket())));
        assertEquals(String.valueOf(r.qemu().pid()), Files.readString(dir.pidFile()).strip(), "QEMU's own pid file names the same process");
        try (QmpClient q = qmp(dir)) {
            assertEquals("running", q.execute("query-status").path("status").asText());
            Set<String> ids = peripheralIds(q);
            assertTrue(ids.containsAll(Set.of("pci.1", "pci.2", "pci.3", "pci.4", "pci.5", "xhci")), ids.toString());
        }
        CliRun status = hostdev("vm", "status", "itvm", "--json");
        JsonNode s = JSON.readTree(status.out());
        assertEquals("running", s.get("state").asText());
        assertEquals(r.qemu().pid(), s.get("pid").asLong());
        assertEquals("pci.1", s.get("devices").get(0).get("root_port").asText());
        assertEquals(2, s.get("free_root_ports").asInt());

        CliRun again = hostdev("vm", "start", spec.toString());
        assertEquals(6, again.exitCode(), "a second start of a running VM is refused");
        assertTrue(again.err().contains("VM itvm is already running (QEMU pid " + r.qemu().pid() + ")"), again.err());
        assertEquals(r.qemu(), dir.require().qemu(), "and changes nothing");
    }

    @Test
    void attachesAndUnplugsEmulatedDevices() throws Exception {
        VmRuntimeDir dir = startVm();
        CliRun nic = hostdev("attach", "itvm", "--emulated", "e1000e", "--id", "nic1");
        assertEquals(0, nic.exitCode(), nic.err());
        assertEquals("attached e1000e to VM itvm as nic1 on root port pci.4\n", nic.out());
        CliRun legacy = hostdev("attach", "itvm", "--emulated", "e1000", "--json");
        assertEquals(0, legacy.exitCode(), legacy.err());
        JsonNode l = JSON.readTree(legacy.out());
        assertEquals("pci.3", l.get("bus").asText(), "conventional PCI goes behind the pcie-pci-bridge");
        assertEquals("0x1", l.get("addr").asText());
        CliRun kbd = hostdev("attach", "itvm", "--emulated", "usb-kbd", "--id", "kbd");
        assertEquals(0, kbd.exitCode(), kbd.err());
        assertTrue(kbd.out().contains("on xhci.0"), kbd.out());
        try (QmpClient q = qmp(dir)) {
            assertTrue(peripheralIds(q).containsAll(Set.of("nic1", l.get("id").asText(), "kbd")));
            assertTrue(q.execute("query-pci").toString().contains("\"qdev_id\":\"nic1\""),
                    "the firmware has run, so query-pci lists the device behind its root port");
        }

        long logBefore = Files.size(dir.qmpLog());
        CliRun usbOut = hostdev("unplug", "itvm", "kbd");
        assertEquals(0, usbOut.exitCode(), usbOut.err());
        assertTrue(usbOut.out().startsWith("unplugged kbd from VM itvm"), usbOut.out());
        assertTrue(dir.require().device("kbd").isEmpty());
        String unplugLog = Files.readString(dir.qmpLog()).substring((int) logBefore);
        assertTrue(unplugLog.contains("DEVICE_DELETED") && (unplugLog.contains("\"device\": \"kbd\"") || unplugLog.contains("\"device\":\"kbd\"")),
                "acknowledged by the event: " + unplugLog);
        assertFalse(unplugLog.contains("query-pci") || unplugLog.contains("qom-list"),
                "an acknowledged unplug asks QEMU nothing after DEVICE_DELETED: " + unplugLog);

        long t0 = System.nanoTime();
        CliRun pci = hostdev("unplug", "itvm", "nic1", "--timeout", "1");
        assertEquals(10, pci.exitCode(), "no guest OS: the unplug times out\n" + pci.err());
        assertTrue(pci.err().contains("no guest acknowledged the unplug of nic1 from VM itvm within 1 s"), pci.err());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(8));
        assertTrue(dir.require().device("nic1").isPresent(), "a device not released stays recorded");
        try (QmpClient q = qmp(dir)) {
            assertTrue(peripheralIds(q).contains("nic1"), "and QEMU still has it");
        }

        String legacyId = l.get("id").asText();
        CliRun noWait = hostdev("unplug", "itvm", legacyId, "--no-wait", "--json");
        assertEquals(0, noWait.exitCode(), "--no-wait returns once QEMU took device_del\n" + noWait.err());
        JsonNode n = JSON.readTree(noWait.out());
        assertFalse(n.get("released").asBoolean(), "not acknowledged: " + noWait.out());
        assertTrue(n.get("no_wait").asBoolean(), noWait.out());
        assertTrue(dir.require().device(legacyId).isPresent(), "still recorded until it is gone");
        try (QmpClient q = qmp(dir)) {
            assertTrue(peripheralIds(q).contains(legacyId), "QEMU still has it: no guest OS acknowledges");
        }
    }

    @Test
    void aBatchStartsAttachesAndStopsInOneProcess() throws Exception {
        VmRuntimeDir dir = started.dir(root, "itvm");
        Path commands = root.resolve("rig.txt");
        Files.write(commands, List.of(
                "vm start " + spec,
                "attach itvm --emulated e1000e --id 'n1'",
                "attach itvm --emulated virtio-net-pci --json",
                "attach itvm --emulated e1000e   # no port is left",
                "vm stop itvm --force"));
        CliRun r = hostdev("batch", commands.toString(), "--json", "--keep-going");
        assertEquals(11, r.exitCode(), "the third attach found no free port: " + r.out());
        String[] lines = r.out().split("\n");
        assertEquals(5, lines.length, r.out());
        assertEquals("attached e1000e to VM itvm as n1 on root port pci.4\n", JSON.readTree(lines[1]).get("stdout").asText());
        JsonNode second = JSON.readTree(JSON.readTree(lines[2]).get("stdout").asText());
        assertEquals("pci.5", second.get("root_port").asText());
        assertEquals(11, JSON.readTree(lines[3]).get("exit").asInt());
        assertTrue(JSON.readTree(lines[3]).get("stderr").asText().contains("no free root port in VM itvm"), lines[3]);
        assertEquals(0, JSON.readTree(lines[4]).get("exit").asInt(), "the stop still ran: " + lines[4]);
        VmRecord end = dir.require();
        assertEquals(VmState.STOPPED, end.effectiveState());
        assertTrue(end.devices().stream().anyMatch(d -> d.id().equals("n1")), "QEMU confirmed n1 and the record kept it until the end");
    }

    @Test
    void noFreeRootPortSaysHowManySparePortsThereWere() {
        startVm();
        assertEquals(0, hostdev("attach", "itvm", "--emulated", "virtio-net-pci").exitCode());
        assertEquals(0, hostdev("attach", "itvm", "--emulated", "virtio-net-pci").exitCode());
        CliRun full = hostdev("attach", "itvm", "--emulated", "e1000e");
        assertEquals(11, full.exitCode());
        assertTrue(full.err().contains("no free root port in VM itvm for e1000e: it was started with 2 spare root port(s)"), full.err());
        assertTrue(full.err().contains("raise spare_root_ports"), full.err());
    }

    @Test
    void aKilledQemuIsNoticedAndCleanedUpByTheSupervisor() throws Exception {
        VmRuntimeDir dir = startVm();
        VmRecord r = dir.require();
        assertTrue(r.supervisor() != null && r.supervisor().isAlive(), "vm start leaves a supervisor");
        r.qemu().handle().orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (dir.require().state() != VmState.CRASHED && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(VmState.CRASHED, dir.require().state(), "supervisor log: " + Files.readString(dir.supervisorLog()));
        assertFalse(Files.exists(dir.qmpSocket()), "the dead QEMU's socket is removed");
        while (r.supervisor().isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(r.supervisor().isAlive(), "the supervisor ends once it has cleaned up");
        CliRun list = hostdev("vm", "list");
        assertTrue(list.out().contains("itvm") && list.out().contains("crashed"), list.out());
        CliRun attach = hostdev("attach", "itvm", "--emulated", "e1000e");
        assertEquals(11, attach.exitCode());
        assertTrue(attach.err().contains("VM itvm is crashed: 'attach' needs it running or paused"), attach.err());
    }

    @Test
    void stopLeavesNoProcessBehind() throws Exception {
        VmRuntimeDir dir = startVm();
        VmRecord r = dir.require();
        CliRun stop = hostdev("vm", "stop", "itvm", "--timeout", "1");
        assertEquals(0, stop.exitCode(), stop.err());
        assertTrue(stop.out().contains("VM itvm is stopped: QEMU quit"), stop.out());
        assertFalse(r.qemu().isAlive());
        assertFalse(r.supervisor().isAlive());
        assertEquals(VmState.STOPPED, dir.require().state());
        assertFalse(Files.exists(dir.qmpSocket()));
        assertEquals("host-qmp-quit", dir.require().ended().reason(), "vm stop --timeout 1 with no guest OS ends in quit");
        CliRun again = hostdev("vm", "stop", "itvm");
        assertEquals(0, again.exitCode(), "stopping a stopped VM only cleans up: " + again.err());
        assertTrue(again.out().contains("QEMU had already ended: QEMU was told to quit over QMP (host-qmp-quit)"), again.out());
    }

    @Test
    void aStartThatQemuRefusesIsUndoneWithQemusOwnWords() throws Exception {
        Files.writeString(spec, Files.readString(spec) + """

                [[device]]
                model = "e1000e"
                id = "bad"
                props = { mac = "not-a-mac" }
                """);
        VmRuntimeDir dir = started.dir(root, "itvm");
        CliRun r = hostdev("vm", "start", spec.toString());
        assertEquals(8, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("QEMU exited before QMP answering on"), r.err());
        assertTrue(r.err().contains("not-a-mac"), "QEMU's message is quoted: " + r.err());
        assertTrue(dir.read().isEmpty(), "a refused start of a new VM leaves no record to list");
        assertTrue(hostdev("vm", "list").out().contains("no VMs"), "and vm list does not show it");
        assertFalse(Files.exists(dir.qmpSocket()));
    }

    @Test
    void dryRunsChangeNothing() throws Exception {
        CliRun plan = hostdev("vm", "start", spec.toString(), "--dry-run");
        assertEquals(0, plan.exitCode(), plan.err());
        assertTrue(plan.out().contains("qemu-system-x86_64 -name") && plan.out().contains(" -S "), plan.out());
        assertTrue(plan.out().contains("{\"execute\":\"cont\"}"), plan.out());
        assertFalse(Files.exists(root.resolve("run/hostdev/vms/itvm/state.json")), "a dry run records nothing");

        VmRuntimeDir dir = startVm();
        VmRecord before = dir.require();
        CliRun attach = hostdev("attach", "itvm", "--emulated", "e1000e", "--dry-run");
        assertEquals(0, attach.exitCode(), attach.err());
        assertTrue(attach.out().contains("QMP: {\"execute\":\"device_add\",\"arguments\":{\"driver\":\"e1000e\",\"id\":\"hp1\",\"bus\":\"pci.4\",\"addr\":\"0x0\"}}"),
                attach.out());
        CliRun unplug = hostdev("unplug", "itvm", "xhci", "--dry-run");
        assertEquals(0, unplug.exitCode(), unplug.err());
        assertTrue(unplug.out().contains("{\"execute\":\"device_del\",\"arguments\":{\"id\":\"xhci\"}}"), unplug.out());
        CliRun stop = hostdev("vm", "stop", "itvm", "--dry-run");
        assertEquals(0, stop.exitCode(), stop.err());
        assertTrue(stop.out().contains("system_powerdown") && stop.out().contains("SIGKILL pid " + before.qemu().pid()), stop.out());
        assertEquals(before, dir.require());
        assertTrue(before.qemuAlive());
        try (QmpClient q = qmp(dir)) {
            assertFalse(peripheralIds(q).contains("hp1"));
        }
    }

    @Test
    void inTheForegroundStartStaysUntilQemuEndsThenCleansUp() throws Exception {
        VmRuntimeDir dir = started.dir(root, "itvm");
        java.util.concurrent.CompletableFuture<CliRun> fg = new java.util.concurrent.CompletableFuture<>();
        Thread t = new Thread(() -> fg.complete(hostdev("vm", "start", spec.toString(), "--foreground")));
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((dir.read().isEmpty() || dir.require().state() != VmState.RUNNING) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        VmRecord r = dir.require();
        assertEquals(VmState.RUNNING, r.state());
        assertEquals(null, r.supervisor(), "no supervisor: the start process itself stays");
        assertFalse(fg.isDone());
        try (QmpClient q = qmp(dir)) {
            q.execute("quit");
        }
        CliRun done = fg.get(20, TimeUnit.SECONDS);
        assertEquals(0, done.exitCode(), done.err());
        assertTrue(done.out().contains("QEMU exited with status 0") && done.out().contains("VM itvm is stopped"), "a clean quit is a stop: " + done.out());
        assertFalse(Files.exists(dir.qmpSocket()));
    }

    @Test
    void aDeviceThatVanishedBehindHostdevsBackIsReportedAndTidiedByUnplug() throws Exception {
        VmRuntimeDir dir = startVm();
        assertEquals(0, hostdev("attach", "itvm", "--emulated", "usb-kbd", "--id", "kbd").exitCode());
        try (QmpClient q = qmp(dir)) {
            q.execute("device_del", JSON.createObjectNode().put("id", "kbd"));
            q.awaitEvent("DEVICE_DELETED for kbd", e -> e.isDeviceDeleted("kbd"), java.time.Duration.ofSeconds(5));
        }
        CliRun status = hostdev("vm", "status", "itvm");
        assertTrue(status.out().contains("gone from QEMU though recorded: kbd"), status.out());
        CliRun unplug = hostdev("unplug", "itvm", "kbd");
        assertEquals(0, unplug.exitCode(), unplug.err());
        assertTrue(dir.require().device("kbd").isEmpty());
        assertEquals("[]", JSON.readTree(hostdev("vm", "status", "itvm", "--json").out()).get("vanished").toString());
    }

    @Test
    void onAPausedVmUnplugSaysNothingWillAcknowledgeIt() throws Exception {
        VmRuntimeDir dir = startVm();
        assertEquals(0, hostdev("attach", "itvm", "--emulated", "e1000e", "--id", "nic1").exitCode());
        try (QmpClient q = qmp(dir)) {
            q.execute("stop");
        }
        CliRun status = hostdev("vm", "status", "itvm");
        assertTrue(status.out().startsWith("VM itvm: paused"), status.out());
        CliRun unplug = hostdev("unplug", "itvm", "nic1");
        assertEquals(11, unplug.exitCode(), unplug.err());
        assertTrue(unplug.err().contains("VM itvm is paused (QEMU status paused)") && unplug.err().contains("no guest runs to acknowledge it"),
                unplug.err());
        assertTrue(dir.require().device("nic1").isPresent());
    }
}
