package dev.hostdev.launcher.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import dev.hostdev.launcher.vm.VmStateException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnpluggerTest {
    private static final String HOST = "0000:7e:00.0";
    private static final VmDevice NIC = new VmDevice("nic1", "vfio-pci", "pci.4", "0x0", "pci.4", HOST, true, true);
    private static final String WITH_NIC = "[{\"name\":\"nic1\",\"type\":\"child<vfio-pci>\"},{\"name\":\"type\",\"type\":\"string\"}]";
    private static final String WITHOUT_NIC = "[{\"name\":\"type\",\"type\":\"string\"}]";
    private static final String PCI_WITH_NIC = "[{\"bus\":0,\"devices\":[{\"qdev_id\":\"pci.4\",\"pci_bridge\":{\"devices\":"
            + "[{\"qdev_id\":\"nic1\"}]}}]}]";
    private static final String PCI_WITHOUT_NIC = "[{\"bus\":0,\"devices\":[{\"qdev_id\":\"pci.4\",\"pci_bridge\":{\"devices\":[]}}]}]";
    private static final String RUNNING = "{\"status\":\"running\",\"running\":true}";

    @TempDir
    Path vms;

    private FakeVm vm(VmState state, FakeVm.Script script) throws Exception {
        return new FakeVm(vms, state, List.of(NIC), List.of(HOST), script);
    }

    /** A guest that releases the device: DEVICE_DELETED after the reply, or before it when {@code early}. */
    private static FakeVm.Script releasing(boolean early) {
        boolean[] gone = {false};
        return (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "query-status" -> q.reply(cmd, RUNNING);
                case "device_del" -> {
                    if (early) {
                        q.event("DEVICE_DELETED", "{\"device\":\"nic1\",\"path\":\"/machine/peripheral/nic1\"}");
                    }
                    q.reply(cmd, "{}");
                    if (!early) {
                        q.event("DEVICE_DELETED", "{\"device\":\"nic1\",\"path\":\"/machine/peripheral/nic1\"}");
                    }
                    gone[0] = true;
                }
                case "qom-list" -> q.reply(cmd, gone[0] ? WITHOUT_NIC : WITH_NIC);
                case "query-pci" -> q.reply(cmd, gone[0] ? PCI_WITHOUT_NIC : PCI_WITH_NIC);
                default -> q.error(cmd, "CommandNotFound", "unexpected " + cmd);
            }
        };
    }

    @Test
    void aReleasedDeviceLeavesTheRecordAndItsHostDeviceIsGivenBack() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, releasing(false))) {
            UnplugResult r = new Unplugger(vm.running()).unplug("nic1", Duration.ofSeconds(5));
            assertEquals(List.of(HOST), r.returned());
            assertEquals(0, r.retries());
            VmRecord after = vm.record();
            assertTrue(after.device("nic1").isEmpty());
            assertTrue(after.slots().slotOf("nic1").isEmpty(), "its root port is free again");
            assertEquals(List.of(), after.managed());
            assertEquals(List.of("reattach [" + HOST + "]"), vm.managedCalls);
        }
    }

    @Test
    void anEventBeforeTheReplyIsNotLost() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, releasing(true))) {
            UnplugResult r = new Unplugger(vm.running()).unplug("nic1", Duration.ofSeconds(5));
            assertEquals("nic1", r.device().id());
        }
    }

    @Test
    void aBusyGuestIsRetriedWithBackoff() throws Exception {
        AtomicInteger refusals = new AtomicInteger();
        FakeVm.Script release = releasing(false);
        try (FakeVm vm = vm(VmState.RUNNING, (cmd, q) -> {
            if (cmd.get("execute").asText().equals("device_del") && refusals.getAndIncrement() < 2) {
                q.error(cmd, "GenericError", "Hot-unplug failed: guest is busy (power indicator blinking)");
            } else {
                release.answer(cmd, q);
            }
        })) {
            UnplugResult r = new Unplugger(vm.running()).unplug("nic1", Duration.ofSeconds(5));
            assertEquals(2, r.retries());
        }
    }

    @Test
    void aGuestBusyPastTheTimeoutIsATimeoutSayingSo() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "query-status" -> q.reply(cmd, RUNNING);
                case "device_del" -> q.error(cmd, "GenericError", "Hot-unplug failed: guest is busy (power indicator blinking)");
                default -> q.reply(cmd, WITH_NIC);
            }
        })) {
            HostdevException e = assertThrows(HostdevException.class,
                    () -> new Unplugger(vm.running()).unplug("nic1", Duration.ofMillis(700)));
            assertEquals(ErrorCode.TIMEOUT, e.code());
            assertTrue(e.getMessage().contains("stayed busy (slot power indicator blinking)"), e.getMessage());
            assertTrue(vm.record().device("nic1").isPresent());
            assertEquals(List.of(), vm.managedCalls);
        }
    }

    @Test
    void anUnplugAlreadyPendingIsWaitedFor() throws Exception {
        boolean[] asked = {false};
        try (FakeVm vm = vm(VmState.RUNNING, (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "query-status" -> q.reply(cmd, RUNNING);
                case "device_del" -> {
                    q.error(cmd, "GenericError", "Device nic1 is already in the process of unplug");
                    q.event("DEVICE_DELETED", "{\"device\":\"nic1\"}");
                    asked[0] = true;
                }
                default -> q.reply(cmd, asked[0] ? WITHOUT_NIC : WITH_NIC);
            }
        })) {
            UnplugResult r = new Unplugger(vm.running()).unplug("nic1", Duration.ofSeconds(5));
            assertEquals(List.of(HOST), r.returned());
        }
    }

    @Test
    void aDeviceQemuNoLongerHasIsReleased() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "query-status" -> q.reply(cmd, RUNNING);
                case "device_del" -> q.error(cmd, "DeviceNotFound", "Device 'nic1' not found");
                default -> q.reply(cmd, WITHOUT_NIC);
            }
        })) {
            new Unplugger(vm.running()).unplug("nic1", Duration.ofSeconds(5));
            assertTrue(vm.record().device("nic1").isEmpty());
        }
    }

    @Test
    void onAPausedVmNothingAcknowledgesAndTheDeviceStays() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "query-status" -> q.reply(cmd, "{\"status\":\"paused\",\"running\":false}");
                case "device_del" -> q.reply(cmd, "{}");
                default -> q.reply(cmd, WITH_NIC);
            }
        })) {
            HostdevException e = assertThrows(HostdevException.class,
                    () -> new Unplugger(vm.running()).unplug("nic1", Duration.ofSeconds(15)));
            assertEquals(ErrorCode.STATE, e.code());
            assertTrue(e.getMessage().contains("is paused (QEMU status paused)") && e.getMessage().contains("no guest runs"), e.getMessage());
            assertTrue(vm.record().device("nic1").isPresent());
            assertEquals(List.of(HOST), vm.record().managed(), "not given back: QEMU still holds it");
            assertEquals(List.of(), vm.managedCalls);
        }
    }

    @Test
    void noAcknowledgementWithinTheTimeoutLeavesEverythingAsItWas() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "query-status" -> q.reply(cmd, RUNNING);
                case "device_del" -> q.reply(cmd, "{}");
                default -> q.reply(cmd, WITH_NIC);
            }
        })) {
            VmRecord before = vm.record();
            HostdevException e = assertThrows(HostdevException.class,
                    () -> new Unplugger(vm.running()).unplug("nic1", Duration.ofMillis(300)));
            assertEquals(ErrorCode.TIMEOUT, e.code());
            assertTrue(e.getMessage().startsWith("no guest acknowledged the unplug of nic1 from VM fake within 300 ms"), e.getMessage());
            assertTrue(e.hint().contains("0000:7e:00.0 stays on vfio-pci"), e.hint());
            assertEquals(before, vm.record());
            assertEquals(List.of(), vm.managedCalls);
        }
    }

    @Test
    void aStoppedVmIsRefusedBeforeAnyQmp() throws Exception {
        try (FakeVm vm = vm(VmState.STOPPED, (cmd, q) -> q.reply(cmd, "{}"))) {
            VmStateException e = assertThrows(VmStateException.class,
                    () -> new Unplugger(vm.running()).unplug("nic1", Duration.ofSeconds(1)));
            assertEquals("VM fake is stopped: 'unplug' needs it running or paused", e.getMessage());
            assertEquals(List.of(), vm.commands);
        }
    }

    @Test
    void anUnknownIdNamesTheDevicesThereAre() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, (cmd, q) -> q.reply(cmd, "{}"))) {
            HostdevException e = assertThrows(HostdevException.class,
                    () -> new Unplugger(vm.running()).unplug("nic9", Duration.ofSeconds(1)));
            assertEquals(ErrorCode.NOT_FOUND, e.code());
            assertEquals("its devices: nic1", e.hint());
        }
    }

    @Test
    void anAcknowledgedUnplugAsksQemuNothingAfterTheEvent() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, releasing(false))) {
            UnplugResult r = new Unplugger(vm.running()).unplug("nic1", Duration.ofSeconds(5));
            assertTrue(r.acked());
            assertEquals(List.of("query-status", "device_del"), vm.commands.subList(vm.commands.indexOf("query-status"), vm.commands.size()),
                    "DEVICE_DELETED suffices: no qom-list, no query-pci (8 KB of transcript per unplug)");
        }
    }

    @Test
    void noWaitSendsDeviceDelAndLeavesTheDeviceRecorded() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "query-status" -> q.reply(cmd, RUNNING);
                case "device_del" -> q.reply(cmd, "{}");
                default -> q.error(cmd, "CommandNotFound", "unexpected " + cmd);
            }
        })) {
            VmRecord before = vm.record();
            UnplugResult r = new Unplugger(vm.running()).request("nic1", Duration.ofSeconds(5));
            assertFalse(r.acked());
            assertEquals(List.of(), r.returned());
            assertEquals(before, vm.record(), "still recorded, its host device still managed");
            assertEquals(List.of(), vm.managedCalls, "nothing given back while QEMU may hold it");
            assertEquals("device_del", vm.commands.get(vm.commands.size() - 1), "nothing waited for or asked after device_del");
        }
    }

    @Test
    void noWaitReleasesADeviceWhoseEventHasAlreadyCome() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, releasing(true))) {
            UnplugResult r = new Unplugger(vm.running()).request("nic1", Duration.ofSeconds(5));
            assertTrue(r.acked());
            assertEquals(List.of(HOST), r.returned());
            assertTrue(vm.record().device("nic1").isEmpty());
        }
    }

    @Test
    void noWaitIsPlannedWithoutTheWait() throws Exception {
        try (FakeVm vm = vm(VmState.RUNNING, releasing(false))) {
            Unplugger unplugger = new Unplugger(vm.running());
            List<String> waiting = unplugger.plan("nic1", Duration.ofSeconds(5)).lines();
            List<String> noWait = unplugger.plan("nic1", Duration.ofSeconds(5), false).lines();
            assertTrue(waiting.stream().anyMatch(l -> l.contains("DEVICE_DELETED of nic1")), String.join("\n", waiting));
            assertTrue(noWait.stream().noneMatch(l -> l.startsWith("wait")), String.join("\n", noWait));
            assertTrue(noWait.stream().anyMatch(l -> l.contains("stays recorded and " + HOST + " stays on vfio-pci")), String.join("\n", noWait));
            assertEquals(List.of(), vm.commands, "planning sends nothing");
        }
    }

    @Test
    void aVmWhoseQemuHasEndedIsReportedAsCrashedByUnplugAndItsDryRun() throws Exception {
        VmRuntimeDir dir = FakeVm.withEndedQemu(vms, "gone", 0, new SlotMap(List.of()),
                List.of(new VmDevice("n1", "e1000e", "pci.1", "0x0", "pci.1", null, false, true)));
        Unplugger unplugger = new Unplugger(new RunningVm(dir, null, null));
        HostdevException e = assertThrows(HostdevException.class, () -> unplugger.unplug("n1", Duration.ofSeconds(1)));
        assertEquals(ErrorCode.STATE, e.code());
        assertTrue(e.getMessage().startsWith("VM gone is crashed"), e.getMessage());
        assertEquals(1, e.getSuppressed().length, "the monitor's own error is kept");
        HostdevException dry = assertThrows(HostdevException.class, () -> unplugger.plan("n1", Duration.ofSeconds(1)));
        assertTrue(dry.getMessage().startsWith("VM gone is crashed"), "a dry run asks /proc: " + dry.getMessage());
    }
}
