package dev.hostdev.engine.bind;

import static dev.hostdev.engine.bind.Bench.AUDIO;
import static dev.hostdev.engine.bind.Bench.GPU;
import static dev.hostdev.engine.bind.Bench.devices;
import static dev.hostdev.engine.bind.Bench.vfio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.testing.SimulatedKernel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import dev.hostdev.engine.testing.TmpfsTempDir;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process killed at any write, before or after it takes effect, leaves nothing that recovery cannot
 * restore: loops over every write of a group detach and of a group reattach.
 */
class CrashRecoveryTest {
    private static final int DETACH_WRITES = 6;
    private static final int REATTACH_WRITES = 7;

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;

    private Bench fresh(String name) throws Exception {
        return Bench.gpuOnly(Files.createDirectory(dir.resolve(name)));
    }

    private static void detachGroup(Bench b) {
        b.binder.detach(devices(GPU), vfio().withWholeGroup(true));
    }

    private static void reattachGroup(Bench b) {
        b.binder.reattach(devices(GPU, AUDIO), ReattachOptions.defaults());
    }

    @Test
    void theOperationsHaveTheExpectedNumberOfWrites() throws Exception {
        Bench b = fresh("count");
        detachGroup(b);
        assertEquals(DETACH_WRITES, b.kernel.writes().size());
        reattachGroup(b);
        assertEquals(DETACH_WRITES + REATTACH_WRITES, b.kernel.writes().size());
    }

    @Test
    void detachKilledAtAnyWriteIsRolledBackByRecover() throws Exception {
        for (int n = 1; n <= DETACH_WRITES; n++) {
            for (boolean after : new boolean[] {false, true}) {
                String at = (after ? "after" : "before") + " write " + n;
                Bench b = fresh("detach-" + n + "-" + after);
                kill(b, n, after);
                assertThrows(SimulatedKernel.SimulatedCrash.class, () -> detachGroup(b), at);
                assertEquals(1, b.journal().pending().size(), at + ": the journal survives the crash");
                b.restart();
                BindResult r = b.binder.recover(false);
                assertFalse(r.devices().isEmpty(), at);
                assertOnHost(b, at);
            }
        }
    }

    @Test
    void aLaterDetachRecoversFirstThenDetaches() throws Exception {
        for (int n = 1; n <= DETACH_WRITES; n++) {
            Bench b = fresh("redetach-" + n);
            kill(b, n, true);
            assertThrows(SimulatedKernel.SimulatedCrash.class, () -> detachGroup(b));
            b.restart();
            detachGroup(b);
            assertEquals("vfio-pci", b.driver(GPU), "write " + n);
            assertEquals("vfio-pci", b.driver(AUDIO), "write " + n);
            assertEquals("nouveau", b.records().find(GPU).orElseThrow().originalDriver(), "write " + n);
            assertEquals("snd_hda_intel", b.records().find(AUDIO).orElseThrow().originalDriver(), "write " + n);
            assertEquals(List.of(), b.journal().pending());
        }
    }

    @Test
    void reattachKilledAtAnyWriteIsFinishedByRecover() throws Exception {
        for (int n = 1; n <= REATTACH_WRITES; n++) {
            for (boolean after : new boolean[] {false, true}) {
                String at = (after ? "after" : "before") + " reattach write " + n;
                Bench b = fresh("reattach-" + n + "-" + after);
                detachGroup(b);
                kill(b, DETACH_WRITES + n, after);
                assertThrows(SimulatedKernel.SimulatedCrash.class, () -> reattachGroup(b), at);
                b.restart();
                b.binder.recover(false);
                assertOnHost(b, at);
            }
        }
    }

    @Test
    void aLaterReattachFinishesTheInterruptedOneFirst() throws Exception {
        for (int n = 1; n <= REATTACH_WRITES; n++) {
            Bench b = fresh("rereattach-" + n);
            detachGroup(b);
            b.kernel.killAfterWrite(DETACH_WRITES + n);
            assertThrows(SimulatedKernel.SimulatedCrash.class, () -> reattachGroup(b));
            b.restart();
            BindResult r = b.binder.reattach(devices(GPU), ReattachOptions.defaults());
            assertEquals(Outcome.ALREADY_ATTACHED, r.devices().get(0).outcome(), "write " + n + ": recovery did it");
            assertOnHost(b, "reattach write " + n);
        }
    }

    @Test
    void aCrashBetweenTheRecordsAndTheJournalsEndIsRolledBackToo() throws Exception {
        Bench b = fresh("records");
        b.kernel.killAfterWrite(DETACH_WRITES);
        assertThrows(SimulatedKernel.SimulatedCrash.class, () -> detachGroup(b));
        // As if it died after writing the device records, just before removing its journal entry:
        for (var d : List.of(GPU, AUDIO)) {
            b.records().save(new dev.hostdev.engine.state.DeviceRecord(d.toString(), "x", null, "vfio-pci", "now", 1, "test"));
        }
        b.restart();
        b.binder.recover(false);
        assertOnHost(b, "records written, journal not yet removed");
    }

    @Test
    void recoverDryRunWritesNothingAndListsTheDevices() throws Exception {
        Bench b = fresh("dry");
        kill(b, 4, true);
        assertThrows(SimulatedKernel.SimulatedCrash.class, () -> detachGroup(b));
        b.restart();
        int writes = b.kernel.writes().size();
        BindResult plan = b.binder.recover(true);
        assertEquals(writes, b.kernel.writes().size());
        assertEquals(List.of(GPU, AUDIO), plan.devices().stream().map(DeviceOutcome::device).toList());
        assertTrue(plan.writes().stream().map(SysfsWrite::describe).toList()
                .contains("write /sys/bus/pci/drivers/nouveau/bind 0000:01:00.0"), plan.writes().toString());
        assertEquals(1, b.journal().pending().size());
    }

    @Test
    void recoverLeavesAloneAnOperationWhoseProcessStillHoldsTheLock() throws Exception {
        Bench b = fresh("live");
        b.kernel.killAfterWrite(2);
        assertThrows(SimulatedKernel.SimulatedCrash.class, () -> detachGroup(b));
        b.restart();
        var others = new dev.hostdev.engine.state.DeviceLocks(new dev.hostdev.engine.state.StateDirectory(b.tree.hostRoot()), "live one");
        try (var held = others.acquire(AUDIO)) {
            BindResult r = b.binder.recover(false);
            assertEquals(List.of(Outcome.IN_PROGRESS, Outcome.IN_PROGRESS), r.devices().stream().map(DeviceOutcome::outcome).toList());
            assertTrue(r.devices().get(0).warnings().get(0).contains("(live one)"), r.devices().get(0).warnings().toString());
            assertEquals(1, b.journal().pending().size());
        }
        b.binder.recover(false);
        assertOnHost(b, "after the holder let go");
    }

    private static void kill(Bench b, int n, boolean after) {
        if (after) {
            b.kernel.killAfterWrite(n);
        } else {
            b.kernel.killBeforeWrite(n);
        }
    }

    private static void assertOnHost(Bench b, String at) {
        assertEquals("nouveau", b.driver(GPU), at);
        assertEquals("snd_hda_intel", b.driver(AUDIO), at);
        assertNull(b.override(GPU), at);
        assertNull(b.override(AUDIO), at);
        assertFalse(b.vfioNode(14), at);
        assertTrue(b.records().all().isEmpty(), at);
        assertEquals(List.of(), b.journal().pending(), at);
    }
}
