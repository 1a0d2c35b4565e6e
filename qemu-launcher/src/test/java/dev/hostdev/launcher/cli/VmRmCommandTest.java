package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code hostdev vm rm}: forgets stopped VMs only, with the same checks in its dry run. */
class VmRmCommandTest {
    @TempDir
    Path root;

    private Path vms() {
        return root.resolve("run/hostdev/vms");
    }

    private VmRuntimeDir vm(String name, VmState state, ProcessIdentity qemu, List<String> managed) throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(vms(), name);
        dir.create();
        dir.write(new VmRecord(name, "/etc/hostdev/" + name + ".toml", List.of("qemu-system-x86_64"), state, qemu, null,
                "2026-12-04T05:00:00Z", 0, null, new SlotMap(List.of()), List.of(), managed, null));
        Files.writeString(dir.qemuLog(), "qemu said\n");
        Files.writeString(dir.qmpLog(), "{}\n");
        return dir;
    }

    private CliRun run(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "vm";
        all[1] = "rm";
        all[2] = "--root";
        all[3] = root.toString();
        System.arraycopy(args, 0, all, 4, args.length);
        return CliRun.run(all);
    }

    @Test
    void aStoppedVmIsForgottenAndNoLongerListed() throws Exception {
        VmRuntimeDir dir = vm("web", VmState.STOPPED, null, List.of());
        vm("db", VmState.STOPPED, null, List.of());
        CliRun r = run("web");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("deleted " + dir.stateFile()), r.out());
        assertTrue(r.out().endsWith("VM web forgotten\n"), r.out());
        assertFalse(Files.exists(dir.dir()));
        String list = CliRun.run("vm", "list", "--root", root.toString()).out();
        assertFalse(list.contains("web"), list);
        assertTrue(list.contains("db"), list);
    }

    @Test
    void aCrashedVmIsForgottenWithJson() throws Exception {
        VmRuntimeDir dir = vm("web", VmState.CRASHED, null, List.of());
        CliRun r = run("web", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonSchemas.assertValid("vm-rm", r.out(), "vm rm --json");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("web", j.get("name").asText());
        assertTrue(j.get("removed").asBoolean());
        assertFalse(j.get("dry_run").asBoolean());
        assertEquals(dir.dir().toString(), j.get("directory").asText());
        assertEquals("[\"qemu.log\",\"qmp.log\",\"state.json\",\"lock\"]", j.get("files").toString());
        assertFalse(Files.exists(dir.dir()));
    }

    @Test
    void theDryRunPrintsWhatWouldGoAndDeletesNothing() throws Exception {
        VmRuntimeDir dir = vm("web", VmState.STOPPED, null, List.of());
        CliRun r = run("web", "--dry-run");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("# vm rm web --dry-run: nothing is changed\n"), r.out());
        assertTrue(r.out().contains("would delete " + dir.qemuLog() + "\n"), r.out());
        assertTrue(r.out().endsWith("would delete " + dir.dir() + "\n"), r.out());
        assertTrue(Files.exists(dir.stateFile()) && Files.exists(dir.qemuLog()));
        String dry = run("web", "--dry-run", "--json").out();
        JsonSchemas.assertValid("vm-rm", dry, "vm rm --dry-run --json");
        JsonNode j = new ObjectMapper().readTree(dry);
        assertTrue(j.get("dry_run").asBoolean());
        assertFalse(j.get("removed").asBoolean());
        assertTrue(Files.exists(dir.stateFile()));
    }

    @Test
    void aRunningVmIsRefusedNamingVmStopInTheDryRunToo() throws Exception {
        VmRuntimeDir dir = vm("web", VmState.RUNNING, ProcessIdentity.of(ProcessHandle.current()), List.of());
        for (CliRun r : List.of(run("web"), run("web", "--dry-run"))) {
            assertEquals(11, r.exitCode(), r.out());
            assertTrue(r.err().contains("hint: stop it first: hostdev vm stop web"), r.err());
        }
        assertTrue(Files.exists(dir.stateFile()));
    }

    @Test
    void managedDevicesStillDetachedAreGivenBackFirst() throws Exception {
        VmRuntimeDir dir = vm("web", VmState.CRASHED, null, List.of("0000:02:00.0"));
        CliRun r = run("web");
        assertEquals(11, r.exitCode(), r.out());
        assertTrue(r.err().contains("0000:02:00.0") && r.err().contains("hostdev vm stop web"), r.err());
        assertTrue(Files.exists(dir.stateFile()));
    }

    @Test
    void anUnknownVmIsNotFoundAndNoDirectoryIsMade() {
        CliRun r = run("nosuchvm");
        assertEquals(3, r.exitCode(), r.out());
        assertFalse(Files.exists(vms().resolve("nosuchvm")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../etc", "..", ".hidden", "a/b", "", "x\ny"})
    void aNameThatIsNoVmNameIsRefusedBeforeAnyPathIsMade(String name) {
        CliRun r = run("--", name);
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().startsWith("hostdev: not a VM name: '"), r.err());
    }

    @Test
    void aDirectoryInsideIsNotHostdevsAndStopsTheRemoval() throws Exception {
        VmRuntimeDir dir = vm("web", VmState.STOPPED, null, List.of());
        Files.createDirectory(dir.dir().resolve("keep"));
        CliRun r = run("web");
        assertEquals(12, r.exitCode(), r.out());
        assertTrue(Files.exists(dir.stateFile()) && Files.exists(dir.qemuLog()));
    }
}
