package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.posix.Posix;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile VM names and planted run directories (issue 11, items 2 and 3; issue 10, a damaged
 * state.json): refused before anything is touched, never acted on.
 */
@Timeout(120)
class VmTrustCommandsTest {
    @TempDir
    Path tmp;
    Path root;
    Path vms;
    Process sleeper;

    @BeforeEach
    void setUp() throws Exception {
        root = Files.createDirectory(tmp.resolve("root"));
        vms = root.resolve("run/hostdev/vms");
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sleeper != null) {
            sleeper.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private CliRun hostdev(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--root";
        all[args.length + 1] = root.toString();
        return CliRun.run(all);
    }

    private static String mode(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static VmRecord record(String name, ProcessIdentity qemu) {
        return new VmRecord(name, null, List.of("qemu-system-x86_64"), VmState.RUNNING, qemu, null, "2026-12-04T00:00:00Z", 0, null,
                new SlotMap(List.of()), List.of(), List.of(), null);
    }

    private VmRuntimeDir vm(String name, ProcessIdentity qemu) {
        VmRuntimeDir d = new VmRuntimeDir(vms, name);
        d.create();
        d.write(record(name, qemu));
        return d;
    }

    @Test
    void aPathAsAVmNameIsRefusedAndTheDirectoryItNamesIsLeftAlone() throws Exception {
        Path data = Files.createDirectory(tmp.resolve("data"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.createDirectories(vms.getParent());
        Files.setPosixFilePermissions(vms.getParent(), PosixFilePermissions.fromString("rwxr-xr-x"));
        for (String[] command : new String[][] {{"vm", "stop", data.toString()}, {"vm", "stop", ".."}, {"vm", "stop", "--dry-run", ".."},
            {"vm", "status", "../../etc"}, {"attach", data.toString(), "--emulated", "e1000e"}, {"unplug", "..", "hp1"},
            {"vm", "stop", "a/b"}, {"vm", "status", "."}, {"vm", "status", "a b"}}) {
            CliRun r = hostdev(command);
            assertEquals(2, r.exitCode(), String.join(" ", command) + ": " + r.err());
            assertTrue(r.err().contains("is not a VM name"), r.err());
            assertTrue(r.err().contains("hint: use 1 to 64 letters, digits"), r.err());
        }
        assertEquals("rwxr-xr-x", mode(data), "not chmod'ed");
        assertFalse(Files.exists(data.resolve("lock")), "no lock created in it");
        assertEquals("rwxr-xr-x", mode(vms.getParent()), "the run directory's parent is not chmod'ed");
        assertFalse(Files.exists(vms.getParent().resolve("lock")));
        assertFalse(Files.exists(vms), "nothing created");
    }

    @Test
    void aVmThatDoesNotExistIsNotFoundAndNothingIsCreated() {
        for (String[] command : new String[][] {{"vm", "stop", "ghost"}, {"vm", "status", "ghost"}, {"unplug", "ghost", "hp1"},
            {"attach", "ghost", "--emulated", "e1000e"}}) {
            CliRun r = hostdev(command);
            assertEquals(3, r.exitCode(), String.join(" ", command) + ": " + r.err());
            assertTrue(r.err().contains("no VM named 'ghost'"), r.err());
        }
        assertFalse(Files.exists(root.resolve("run")), "a command that fails to find its VM creates nothing");
    }

    @Test
    void aVmDirectoryThatIsASymbolicLinkIsRefusedAndItsTargetUntouched() throws Exception {
        vm("web", null);
        Path target = Files.createDirectory(tmp.resolve("target"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Files.move(vms.resolve("web/state.json"), target.resolve("state.json"));
        Files.walk(vms.resolve("web")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        Files.createSymbolicLink(vms.resolve("web"), target);
        for (String[] command : new String[][] {{"vm", "stop", "web", "--force"}, {"vm", "status", "web"}, {"unplug", "web", "hp1"}}) {
            CliRun r = hostdev(command);
            assertEquals(12, r.exitCode(), String.join(" ", command) + ": " + r.err());
            assertTrue(r.err().contains("refused " + vms.resolve("web") + ": it is a symbolic link (to " + target + ")"), r.err());
            assertTrue(r.err().contains("hint: remove the link"), r.err());
        }
        assertEquals("rwxr-xr-x", mode(target));
        assertFalse(Files.exists(target.resolve("lock")));
        CliRun list = hostdev("vm", "list");
        assertEquals(0, list.exitCode(), list.err());
        assertTrue(list.out().contains("web                  unreadable"), list.out());
    }

    @Test
    void aRunDirectoryOthersMayWriteIsRefusedNotChmodded() throws Exception {
        vm("web", null);
        Files.setPosixFilePermissions(vms, PosixFilePermissions.fromString("rwxrwxrwx"));
        for (String[] command : new String[][] {{"vm", "stop", "web"}, {"vm", "status", "web"}, {"vm", "list"}}) {
            CliRun r = hostdev(command);
            assertEquals(12, r.exitCode(), String.join(" ", command) + ": " + r.err());
            assertTrue(r.err().contains("refused " + vms + ": it is writable by every user (mode 0777)"), r.err());
            assertTrue(r.err().contains("hint: chmod go-w " + vms), r.err());
        }
        assertEquals("rwxrwxrwx", mode(vms));
    }

    @Test
    void aPlantedRecordWithAnUnrelatedPidDoesNotGetThatProcessKilled() throws Exception {
        sleeper = new ProcessBuilder("sleep", "300").start();
        ProcessIdentity real = ProcessIdentity.of(sleeper.toHandle());
        // no start time; the right start time but QEMU's executable; both right but a pid of another start
        vm("evil", new ProcessIdentity(sleeper.pid(), 0, real.executable()));
        vm("evil2", new ProcessIdentity(sleeper.pid(), real.startEpochMillis(), "/usr/bin/qemu-system-x86_64"));
        vm("evil3", new ProcessIdentity(sleeper.pid(), real.startEpochMillis() - 3_600_000, real.executable()));
        for (String name : List.of("evil", "evil2", "evil3")) {
            CliRun r = hostdev("vm", "stop", name, "--force", "--timeout", "1");
            assertEquals(0, r.exitCode(), r.err());
            assertTrue(r.out().contains("QEMU had already ended"), r.out());
            assertTrue(sleeper.isAlive(), "the unrelated process was not signalled (" + name + ")");
        }
    }

    @Test
    void aRecordAnotherUserPlantedIsRefusedEvenWithAnExactIdentity() throws Exception {
        assumeTrue(Posix.effectiveUid() == 0, "needs root to give a file to another user");
        sleeper = new ProcessBuilder("sleep", "300").start();
        VmRuntimeDir d = vm("evil", ProcessIdentity.of(sleeper.toHandle()));
        Files.setAttribute(d.stateFile(), "unix:uid", 65534);
        CliRun r = hostdev("vm", "stop", "evil", "--force", "--timeout", "1");
        assertEquals(12, r.exitCode(), r.err());
        assertTrue(r.err().contains("refused " + d.stateFile() + ": it is owned by uid 65534, not by you (uid 0) or root"), r.err());
        assertTrue(sleeper.isAlive(), "not signalled");
        Files.setAttribute(d.dir(), "unix:uid", 65534);
        Files.setAttribute(d.stateFile(), "unix:uid", 0);
        r = hostdev("vm", "stop", "evil", "--force", "--timeout", "1");
        assertEquals(12, r.exitCode(), r.err());
        assertTrue(r.err().contains("refused " + d.dir() + ": it is owned by uid 65534"), r.err());
        assertTrue(sleeper.isAlive(), "not signalled");
    }

    @Test
    void aLockFileThatIsASymbolicLinkIsRefusedAndItsTargetNotOverwritten() throws Exception {
        VmRuntimeDir d = vm("web", null);
        Path target = Files.writeString(tmp.resolve("precious"), "precious\n");
        Files.createSymbolicLink(d.dir().resolve("lock"), target);
        CliRun r = hostdev("vm", "stop", "web");
        assertEquals(12, r.exitCode(), r.err());
        assertTrue(r.err().contains("refused " + d.dir().resolve("lock") + ": it is a symbolic link"), r.err());
        assertEquals("precious\n", Files.readString(target));
    }

    @Test
    void aDamagedRecordIsListedAsUnreadableBesideTheOthers() throws Exception {
        vm("alpha", null);
        VmRuntimeDir broken = vm("broken", null);
        vm("zeta", null);
        Files.writeString(broken.stateFile(), "{\"name\": \"broken\", \"state\": ");
        CliRun r = hostdev("vm", "list");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("alpha "), r.out());
        assertTrue(r.out().contains("zeta "), r.out());
        assertTrue(r.out().contains("broken               unreadable"), r.out());
        assertTrue(r.err().contains("warning: VM broken is unreadable: the record " + broken.stateFile() + " is damaged: line 1, column"),
                r.err());
        assertFalse(r.err().contains("[Source"), "no parser internals: " + r.err());
        CliRun json = hostdev("vm", "list", "--json");
        assertEquals(0, json.exitCode(), json.err());
        JsonSchemas.assertValid("vm-list", json.out(), "vm list with a damaged record");
        JsonNode o = new ObjectMapper().readTree(json.out());
        assertEquals(2, o.get("vms").size());
        assertEquals("zeta", o.get("vms").get(1).get("name").asText());
        assertEquals(1, o.get("unreadable").size());
        assertEquals("broken", o.get("unreadable").get(0).get("name").asText());
        assertEquals("usage", o.get("unreadable").get(0).get("error").get("code").asText());
        assertTrue(o.get("unreadable").get(0).get("error").get("message").asText().contains(broken.stateFile().toString()));
        CliRun status = hostdev("vm", "status", "broken");
        assertEquals(2, status.exitCode(), "a file that cannot be parsed is the user's error: " + status.err());
        assertTrue(status.err().contains(broken.stateFile().toString()), status.err());
        assertFalse(status.err().contains("[Source"), status.err());
    }
}
