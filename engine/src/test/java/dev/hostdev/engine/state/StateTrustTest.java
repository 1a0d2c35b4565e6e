package dev.hostdev.engine.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.posix.Posix;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /run/hostdev is trusted only when nobody else could have put what it holds there (issue 11, item 3). */
class StateTrustTest {
    private static final PciAddress DEVICE = PciAddress.parse("0000:03:00.0");

    @TempDir(factory = TmpfsTempDir.class)
    Path root;
    StateDirectory state;

    @BeforeEach
    void setUp() {
        state = new StateDirectory(new HostRoot(root));
    }

    private static JournalEntry entry() {
        JournalEntry.JournalDevice d = new JournalEntry.JournalDevice("0000:03:00.0", "8086:10d3", "e1000e", null, null, false, "vfio-pci",
                List.of("write a"), 0);
        return new JournalEntry("20261124T180000Z-1-1", "detach", 1, "test", "2026-11-24T18:00:00Z",
                "0d6b5c1e-3f39-4c61-9c8d-6a4f4f1e2b7a", List.of(d));
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void whatHostdevCreatesIsTheOwnersOnly() throws Exception {
        new Journal(state).save(entry());
        try (DeviceLock l = new DeviceLocks(state, "test").acquire(DEVICE)) {
            assertEquals("rw-------", mode(state.lockFile(DEVICE)));
        }
        new DeviceRecords(state).save(new DeviceRecord("0000:03:00.0", "e1000e", null, "vfio-pci", "now", 1, "test"));
        for (Path d : List.of(root.resolve("run"), state.base(), state.journalDir(), state.locksDir(), state.devicesDir())) {
            assertEquals("rwx------", mode(d), d.toString());
        }
        assertEquals("rw-------", mode(state.journalDir().resolve("20261124T180000Z-1-1.json")));
        assertEquals("rw-------", mode(state.deviceRecord(DEVICE)));
    }

    @Test
    void runHostdevAsASymbolicLinkIsRefusedAndNothingIsWrittenWhereItPoints() throws Exception {
        Path elsewhere = Files.createDirectory(root.resolve("elsewhere"));
        Files.createDirectories(root.resolve("run"));
        Files.createSymbolicLink(state.base(), elsewhere);
        HostdevException journal = assertThrows(HostdevException.class, () -> new Journal(state).save(entry()));
        assertEquals(ErrorCode.ENVIRONMENT, journal.code());
        assertTrue(journal.getMessage().contains("refused " + state.base() + ": it is a symbolic link"), journal.getMessage());
        assertTrue(journal.hint().contains("rm " + state.base()), journal.hint());
        assertThrows(HostdevException.class, () -> new DeviceLocks(state, "test").acquire(DEVICE));
        assertThrows(HostdevException.class, () -> new Journal(state).pending(), "not read either");
        try (var s = Files.list(elsewhere)) {
            assertEquals(0, s.count(), "nothing was written through the link");
        }
    }

    @Test
    void aLockFileThatIsASymbolicLinkIsRefusedAndItsTargetNotOverwritten() throws Exception {
        Path target = Files.writeString(root.resolve("precious"), "precious\n");
        Files.createDirectories(state.locksDir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.setPosixFilePermissions(root.resolve("run"), PosixFilePermissions.fromString("rwx------"));
        Files.setPosixFilePermissions(state.base(), PosixFilePermissions.fromString("rwx------"));
        Files.createSymbolicLink(state.lockFile(DEVICE), target);
        HostdevException e = assertThrows(HostdevException.class, () -> new DeviceLocks(state, "test").acquire(DEVICE));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertTrue(e.getMessage().contains(state.lockFile(DEVICE) + ": it is a symbolic link"), e.getMessage());
        assertEquals("precious\n", Files.readString(target));
        assertThrows(HostdevException.class, () -> LockFile.tryLock(state.lockFile(DEVICE)));
        assertEquals("precious\n", Files.readString(target));
    }

    @Test
    void aWorldWritableStateDirectoryIsRefusedNotChmodded() throws Exception {
        new Journal(state).save(entry());
        Files.setPosixFilePermissions(state.journalDir(), PosixFilePermissions.fromString("rwxrwxrwx"));
        HostdevException e = assertThrows(HostdevException.class, () -> new Journal(state).pending());
        assertTrue(e.getMessage().contains("refused " + state.journalDir() + ": it is writable by every user (mode 0777)"), e.getMessage());
        assertTrue(e.hint().startsWith("chmod go-w " + state.journalDir()), e.hint());
        assertEquals("rwxrwxrwx", mode(state.journalDir()), "left as it was");
    }

    @Test
    void aJournalEntryOwnedByAnotherUserIsRefusedNotActedOn() throws Exception {
        assumeTrue(Posix.effectiveUid() == 0, "needs root to give a file to another user");
        new Journal(state).save(entry());
        Path f = state.journalDir().resolve("20261124T180000Z-1-1.json");
        Files.setAttribute(f, "unix:uid", 65534);
        HostdevException e = assertThrows(HostdevException.class, () -> new Journal(state).pending());
        assertEquals(ErrorCode.STATE, e.code());
        assertTrue(e.getMessage().contains(f + ": refused: it is owned by uid 65534, not by you (uid 0) or root"), e.getMessage());
        assertEquals(List.of(), new Journal(state).scan().entries(), "set apart, not read");
    }

    @Test
    void aJournalEntryThatIsASymbolicLinkIsRefused() throws Exception {
        new Journal(state).save(entry());
        Path f = state.journalDir().resolve("20261124T180000Z-1-1.json");
        Path planted = Files.move(f, root.resolve("planted.json"));
        Files.createSymbolicLink(f, planted);
        HostdevException e = assertThrows(HostdevException.class, () -> new Journal(state).pending());
        assertTrue(e.getMessage().contains(f + ": refused: it is a symbolic link"), e.getMessage());
    }

    @Test
    void aDirectoryAboveTheStateThatOthersMayWriteIsRefused() throws Exception {
        Path open = Files.createDirectory(root.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
        StateDirectory under = new StateDirectory(new HostRoot(open));
        HostdevException e = assertThrows(HostdevException.class, () -> new Journal(under).save(entry()));
        assertTrue(e.getMessage().contains("refused " + open + ": it (above "), e.getMessage());
        assertFalse(Files.exists(open.resolve("run")), "nothing created below it");
    }

    @Test
    void readingCreatesNothing() {
        assertEquals(List.of(), new Journal(state).pending());
        assertEquals(Optional.empty(), new DeviceRecords(state).find(DEVICE));
        assertEquals(Optional.empty(), new DeviceLocks(state, "test").holder(DEVICE));
        assertFalse(Files.exists(root.resolve("run")));
    }
}
