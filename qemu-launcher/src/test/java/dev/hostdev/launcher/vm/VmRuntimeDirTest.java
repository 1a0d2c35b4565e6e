package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmRuntimeDirTest {
    @TempDir
    Path vms;

    private static VmRecord record(VmState state, ProcessIdentity qemu) {
        SlotMap slots = new SlotMap(List.of(new Slot(SlotKind.ROOT_PORT, "pci.1", "0x0", "pci.1", "spare", null, null)));
        return new VmRecord("web", "/etc/hostdev/web.toml", List.of("qemu-system-x86_64", "-S"), state, qemu, null,
                "2026-11-24T18:00:00Z", 1, "usb.0", slots,
                List.of(new VmDevice("nic0", "vfio-pci", "pci.1", "0x0", "pci.1", "0000:03:00.0", true, false)),
                List.of("0000:03:00.0"), null);
    }

    /** A process that has ended: its identity names no live process. */
    private static ProcessIdentity ended() throws Exception {
        return EndedProcess.identity();
    }

    @Test
    void theRecordSurvivesARoundTripThroughStateJson() throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(vms, "web");
        dir.create();
        VmRecord r = record(VmState.RUNNING, ProcessIdentity.of(ProcessHandle.current()));
        dir.write(r);
        assertEquals(r, dir.require());
        assertTrue(Files.readString(dir.stateFile()).contains("\"state\":\"RUNNING\""), "the state is written by name");
    }

    @Test
    void aStagedRecordReplacesTheCurrentOneOnlyWhenCommitted() throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(vms, "web");
        dir.create();
        VmRecord before = record(VmState.RUNNING, ProcessIdentity.of(ProcessHandle.current()));
        dir.write(before);
        VmRecord after = before.withState(VmState.PAUSED);
        try (VmRecordFile.Staged staged = dir.stage(after)) {
            assertEquals(before, dir.require(), "staged, not yet in place");
        }
        assertEquals(before, new VmRuntimeDir(vms, "web").require(), "closed uncommitted: the current record stays");
        try (var files = Files.list(dir.dir())) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".state.json.tmp")), "nothing left behind");
        }
        try (VmRecordFile.Staged staged = dir.stage(after)) {
            staged.commit();
        }
        assertEquals(after, dir.require());
        assertTrue(Files.readString(dir.stateFile()).contains("\"state\":\"PAUSED\""), "on disk, for other processes");
    }

    @Test
    void theDirectoryIsPrivate() throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(vms, "web");
        dir.create();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.dir())));
    }

    @Test
    void noRecordIsNotFoundNamingTheVm() {
        HostdevException e = assertThrows(HostdevException.class, () -> new VmRuntimeDir(vms, "ghost").require());
        assertEquals(ErrorCode.NOT_FOUND, e.code());
        assertTrue(e.getMessage().startsWith("no VM named 'ghost'"), e.getMessage());
    }

    @Test
    void aRunningVmWhoseQemuIsGoneIsCrashedAndAStoppingOneStopped() throws Exception {
        ProcessIdentity gone = ended();
        assertEquals(VmState.CRASHED, record(VmState.RUNNING, gone).effectiveState());
        assertEquals(VmState.CRASHED, record(VmState.PAUSED, gone).effectiveState());
        assertEquals(VmState.STOPPED, record(VmState.STOPPING, gone).effectiveState());
        assertEquals(VmState.RUNNING, record(VmState.RUNNING, ProcessIdentity.of(ProcessHandle.current())).effectiveState());
        assertEquals(VmState.STARTING, record(VmState.STARTING, null).effectiveState(), "QEMU not spawned yet");
    }

    @Test
    void aReusedPidIsNotTakenForQemu() {
        ProcessIdentity me = ProcessIdentity.of(ProcessHandle.current());
        ProcessIdentity impostor = new ProcessIdentity(me.pid(), me.startEpochMillis() - 3_600_000);
        assertTrue(me.isAlive());
        assertFalse(impostor.isAlive());
    }

    @Test
    void cleanupGivesManagedDevicesBackAndRecordsTheCrash() throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(vms, "web");
        dir.create();
        dir.write(record(VmState.RUNNING, ended()));
        Files.createFile(dir.qmpSocket());
        List<String> calls = new java.util.ArrayList<>();
        ManagedDevices managed = new ManagedDevices() {
            @Override
            public dev.hostdev.engine.bind.BindResult detach(List<dev.hostdev.engine.pci.PciAddress> d, boolean dryRun) {
                throw new AssertionError("no detach in cleanup");
            }

            @Override
            public dev.hostdev.engine.bind.BindResult reattach(List<dev.hostdev.engine.pci.PciAddress> d, boolean dryRun) {
                calls.add("reattach " + d);
                return new dev.hostdev.engine.bind.BindResult(dryRun, List.of());
            }
        };
        java.io.StringWriter log = new java.io.StringWriter();
        VmRecord after = new VmCleanup(dir, managed, new java.io.PrintWriter(log)).afterExit();
        assertEquals(VmState.CRASHED, after.state());
        assertEquals(List.of(), after.managed());
        assertEquals(List.of("reattach [0000:03:00.0]"), calls);
        assertFalse(Files.exists(dir.qmpSocket()));
        assertEquals(after, new VmCleanup(dir, managed, new java.io.PrintWriter(log)).afterExit(), "idempotent");
        assertEquals(1, calls.size(), "nothing given back twice");
    }

    @Test
    void aSecondCommandWaitsForTheLockThenGivesUpSayingTheVmIsBusy() throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(vms, "web");
        dir.create();
        try (VmRuntimeDir.Lock held = dir.lock("attach", Duration.ofSeconds(1))) {
            // another process would see the same: run the contender in another thread of this JVM
            CompletableFuture<HostdevException> other = CompletableFuture.supplyAsync(() -> {
                try (VmRuntimeDir.Lock l = dir.lock("unplug", Duration.ofMillis(200))) {
                    return null;
                } catch (HostdevException e) {
                    return e;
                }
            });
            HostdevException e = other.get();
            assertEquals(ErrorCode.BUSY, e.code());
            assertTrue(e.getMessage().startsWith("VM web is busy"), e.getMessage());
        }
        try (VmRuntimeDir.Lock again = dir.lock("unplug", Duration.ofMillis(200))) {
            assertTrue(true, "free once released");
        }
    }

    @Test
    void aRecordWrittenElsewhereIsSeenThoughTheLastOneIsKept() throws Exception {
        VmRuntimeDir mine = new VmRuntimeDir(vms, "web");
        VmRuntimeDir theirs = new VmRuntimeDir(vms, "web");
        mine.create();
        VmRecord first = record(VmState.RUNNING, null);
        mine.write(first);
        assertEquals(first, mine.require());
        VmRecord second = first.withState(VmState.STOPPING);
        theirs.write(second);
        assertEquals(second, mine.require(), "another writer's file is read, not the kept record");
        Files.writeString(mine.stateFile(), "{damaged");
        assertThrows(HostdevException.class, mine::require, "a file changed in place is read again");
    }
}
