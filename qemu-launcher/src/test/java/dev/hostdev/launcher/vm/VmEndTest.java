package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.bind.BindResult;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.qmp.QmpEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How an end is read from QEMU's SHUTDOWN event and which state the cleanup records for it. */
class VmEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path vms;

    private static QmpEvent shutdown(String json) throws Exception {
        return new QmpEvent("SHUTDOWN", JSON.readTree(json), 0);
    }

    @Test
    void aShutdownEventGivesItsReasonAndWhetherTheGuestAskedForIt() throws Exception {
        VmEnd e = VmEnd.ofShutdownEvent(shutdown("{\"guest\":true,\"reason\":\"guest-shutdown\"}"));
        assertEquals("guest-shutdown", e.reason());
        assertEquals(Boolean.TRUE, e.guest());
        assertEquals(VmState.STOPPED, e.state());
        assertEquals("the guest powered off (guest-shutdown)", e.describe());
        assertThrows(IllegalArgumentException.class, () -> VmEnd.ofShutdownEvent(new QmpEvent("RESET", null, 0)));
    }

    @Test
    void noEventIsACrash() {
        VmEnd e = VmEnd.withoutShutdownEvent();
        assertEquals(VmEnd.NO_SHUTDOWN_EVENT, e.reason());
        assertNull(e.guest());
        assertEquals(VmState.CRASHED, e.state());
    }

    /** The state the cleanup records, from the state QEMU was in and the end that was heard (or none). */
    @ParameterizedTest
    @CsvSource({
        "RUNNING,  guest-shutdown, STOPPED, guest-shutdown",
        "RUNNING,  host-qmp-quit,  STOPPED, host-qmp-quit",
        "RUNNING,  host-signal,    STOPPED, host-signal",
        "RUNNING,  guest-panic,    CRASHED, guest-panic",
        "RUNNING,  ,               CRASHED, no-shutdown-event",
        "PAUSED,   ,               CRASHED, no-shutdown-event",
        "STOPPING, host-qmp-quit,  STOPPED, host-qmp-quit",
        "STOPPING, ,               STOPPED, no-shutdown-event",
    })
    void theCleanupRecordsTheEndAndTheStateThatFollows(VmState before, String heard, VmState after, String reason) throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(vms, "web");
        dir.create();
        dir.write(new VmRecord("web", "/w.toml", List.of("qemu-system-x86_64"), before, EndedProcess.identity(), null,
                "2026-11-24T18:00:00Z", 0, null, new SlotMap(List.of()), List.of(), List.of(), null));
        VmEnd end = heard == null ? null : new VmEnd(heard, false, "2026-11-24T19:00:00Z");
        VmRecord r = new VmCleanup(dir, new NoDevices(), new PrintWriter(new StringWriter())).afterExit(end);
        assertEquals(after, r.state());
        assertEquals(reason, r.ended().reason());
        assertEquals(r, dir.require(), "recorded in state.json");
        assertEquals(r, new VmCleanup(dir, new NoDevices(), new PrintWriter(new StringWriter())).afterExit(), "a second cleanup keeps it");
    }

    @Test
    void anEndTheSupervisorRecordedShowsBeforeTheCleanup() throws Exception {
        VmRecord r = new VmRecord("web", "/w.toml", List.of(), VmState.RUNNING, EndedProcess.identity(), null,
                "2026-11-24T18:00:00Z", 0, null, new SlotMap(List.of()), List.of(), List.of(), null);
        assertEquals(VmState.CRASHED, r.effectiveState(), "QEMU gone, nothing heard");
        assertEquals(VmState.STOPPED, r.withEnded(new VmEnd("guest-shutdown", true, "t")).effectiveState());
    }

    private static final class NoDevices implements ManagedDevices {
        @Override
        public BindResult detach(List<PciAddress> d, boolean dryRun) {
            throw new AssertionError("no detach");
        }

        @Override
        public BindResult reattach(List<PciAddress> d, boolean dryRun) {
            throw new AssertionError("no managed devices");
        }
    }
}
