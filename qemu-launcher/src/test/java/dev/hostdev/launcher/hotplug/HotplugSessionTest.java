package dev.hostdev.launcher.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.soak.MemorySample;
import dev.hostdev.launcher.soak.SoakReport;
import dev.hostdev.launcher.soak.SoakRunner;
import dev.hostdev.launcher.soak.VmCycleSteps;
import dev.hostdev.launcher.topology.BarSizes;
import dev.hostdev.launcher.topology.PciFacts;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A soak's cycles over one {@link HotplugSession}: one monitor connection, one query-status, the record kept true. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HotplugSessionTest {
    private static final PciFacts NO_HOST = new PciFacts() {
        @Override
        public Optional<Boolean> isPcie(PciAddress address) {
            return Optional.empty();
        }

        @Override
        public Optional<BarSizes> barSizes(PciAddress address) {
            return Optional.empty();
        }
    };

    @TempDir
    Path vms;

    private static final List<String> BUSES = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A QEMU with a guest that acknowledges every unplug, unless {@code paused}; its status follows {@code paused}. */
    private static FakeVm.Script qemu(Set<String> present, AtomicBoolean paused) {
        return (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "query-status" -> q.reply(cmd, paused.get() ? "{\"status\":\"paused\",\"running\":false}"
                        : "{\"status\":\"running\",\"running\":true}");
                case "device_add" -> {
                    present.add(cmd.get("arguments").get("id").asText());
                    BUSES.add(cmd.get("arguments").get("bus").asText());
                    q.reply(cmd, "{}");
                }
                case "qom-list" -> {
                    StringBuilder b = new StringBuilder("[");
                    for (String id : present) {
                        b.append("{\"name\":\"").append(id).append("\",\"type\":\"child<e1000e>\"},");
                    }
                    q.reply(cmd, b.append("{\"name\":\"type\",\"type\":\"string\"}]").toString());
                }
                case "device_del" -> {
                    String id = cmd.get("arguments").get("id").asText();
                    q.reply(cmd, "{}");
                    if (!paused.get()) {
                        present.remove(id);
                        q.event("DEVICE_DELETED", "{\"device\":\"" + id + "\",\"path\":\"/machine/peripheral/" + id + "\"}");
                    }
                }
                case "query-pci" -> q.reply(cmd, "[{\"bus\":0,\"devices\":[]}]");
                default -> q.error(cmd, "CommandNotFound", "unexpected " + cmd);
            }
        };
    }

    private static SoakRunner soak(VmCycleSteps steps) {
        return new SoakRunner("fake", List.of(new HotplugDevice.Emulated("e1000e")), List.of("soak1"), steps, null, null,
                () -> new MemorySample(1L, null));
    }

    @Test
    void aSoakOfFiveCyclesTalksOverOneConnectionAndAsksTheStatusOnce() throws Exception {
        Set<String> present = ConcurrentHashMap.newKeySet();
        try (FakeVm vm = new FakeVm(vms, VmState.RUNNING, List.of(), List.of(), qemu(present, new AtomicBoolean()))) {
            VmCycleSteps steps = new VmCycleSteps(vm.running(), NO_HOST, HotplugChecks.NONE, Duration.ofSeconds(5));
            BUSES.clear();
            SoakReport report = soak(steps).run(5, false, null);
            assertEquals(List.of("pci.4", "pci.5", "pci.4", "pci.5", "pci.4"), BUSES,
                    "each cycle's device goes into the spare port the last unplug did not just empty");
            assertEquals(5, report.passed(), report.failures().toString());
            assertEquals(1, vm.qemu.accepts(), "one QMP connection for the five cycles");
            assertEquals(1, steps.connections());
            assertEquals(1, Collections.frequency(vm.commands, "query-status"), "asked once, when connecting: " + vm.commands);
            assertEquals(5, Collections.frequency(vm.commands, "device_add"));
            assertEquals(5, Collections.frequency(vm.commands, "device_del"));
            assertTrue(vm.record().devices().isEmpty(), "every device unplugged is off the record: " + vm.record().devices());
            assertTrue(vm.record().slots().slots().stream().noneMatch(s -> s.occupant() != null && s.occupant().startsWith("soak")));

            soak(steps).run(2, false, null);
            assertEquals(2, vm.qemu.accepts(), "a second run connects once more (QEMU's monitor takes one client at a time)");
        }
    }

    @Test
    void anUnplugTimingOutAsksTheStatusAgainAndSaysTheVmIsPaused() throws Exception {
        Set<String> present = ConcurrentHashMap.newKeySet();
        AtomicBoolean paused = new AtomicBoolean();
        try (FakeVm vm = new FakeVm(vms, VmState.RUNNING, List.of(), List.of(), qemu(present, paused));
                HotplugSession session = new HotplugSession(vm.running(), "soak")) {
            new Attacher(vm.running(), NO_HOST, HotplugChecks.NONE).attach(new HotplugDevice.Emulated("e1000e"), "nic", session);
            assertTrue(vm.record().device("nic").isPresent(), "recorded once QEMU confirmed it");
            paused.set(true); // paused by someone else after the session asked
            HostdevException e = assertThrows(HostdevException.class,
                    () -> new Unplugger(vm.running()).unplug("nic", Duration.ofMillis(300), session));
            assertEquals(ErrorCode.STATE, e.code(), e.getMessage());
            assertTrue(e.getMessage().contains("is paused"), e.getMessage());
            assertEquals(2, Collections.frequency(vm.commands, "query-status"), "asked again on the timeout: " + vm.commands);
            assertTrue(vm.record().device("nic").isPresent(), "QEMU still has it: it stays recorded");
            assertEquals(1, vm.qemu.accepts());
        }
    }

    @Test
    void aConnectionLostMidSoakIsOpenedAgainForTheNextStep() throws Exception {
        Set<String> present = ConcurrentHashMap.newKeySet();
        List<String> seen = new ArrayList<>();
        try (FakeVm vm = new FakeVm(vms, VmState.RUNNING, List.of(), List.of(), (cmd, q) -> {
            seen.add(cmd.get("execute").asText());
            if (cmd.get("execute").asText().equals("device_del") && Collections.frequency(seen, "device_del") == 1) {
                q.hangUp(); // QEMU's monitor gone while the guest would acknowledge
                return;
            }
            qemu(present, new AtomicBoolean()).answer(cmd, q);
        }); HotplugSession session = new HotplugSession(vm.running(), "soak")) {
            new Attacher(vm.running(), NO_HOST, HotplugChecks.NONE).attach(new HotplugDevice.Emulated("e1000e"), "nic", session);
            HostdevException lost = assertThrows(HostdevException.class,
                    () -> new Unplugger(vm.running()).unplug("nic", Duration.ofSeconds(2), session));
            assertTrue(lost.code() == ErrorCode.QMP || lost.code() == ErrorCode.TIMEOUT, lost.code() + ": " + lost.getMessage());
            assertTrue(vm.record().device("nic").isPresent(), "not known gone: still recorded");
            UnplugResult again = new Unplugger(vm.running()).unplug("nic", Duration.ofSeconds(2), session);
            assertEquals("nic", again.device().id());
            assertEquals(2, vm.qemu.accepts(), "the lost connection was replaced by one new one");
            assertEquals(2, session.connections());
            assertTrue(vm.record().device("nic").isEmpty());
        }
    }
}
