package dev.hostdev.launcher.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.cli.CliRun;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11.7, truthful state: {@code vm list} and {@code vm status} show the same state from the same code (paused as
 * QEMU says, the supervisor's loss), and {@code vm stop} says what it really did.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TruthfulStateTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private Path vms() {
        return root.resolve("run/hostdev/vms");
    }

    private CliRun hostdev(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--root";
        all[args.length + 1] = root.toString();
        return CliRun.run(all);
    }

    private static FakeVm.Script paused() {
        return (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "query-status" -> q.reply(cmd, "{\"running\":false,\"status\":\"paused\"}");
                case "qom-list" -> q.reply(cmd, "[]");
                default -> q.error(cmd, "CommandNotFound", "unexpected");
            }
        };
    }

    @Test
    void aVmPausedByAnotherClientIsPausedInListAndStatusAlike() throws Exception {
        try (FakeVm vm = new FakeVm(vms(), VmState.RUNNING, List.of(), List.of(), paused())) {
            CliRun list = hostdev("vm", "list");
            CliRun status = hostdev("vm", "status", "fake");
            assertTrue(list.out().lines().anyMatch(l -> l.startsWith("fake") && l.contains(" paused ")), list.out());
            assertTrue(status.out().startsWith("VM fake: paused"), status.out());
            JsonNode listed = JSON.readTree(hostdev("vm", "list", "--json").out()).get("vms").get(0);
            JsonNode shown = JSON.readTree(hostdev("vm", "status", "fake", "--json").out());
            assertEquals("paused", listed.get("state").asText());
            assertEquals(shown.get("state"), listed.get("state"));
            assertEquals(shown.get("qmp_note"), listed.get("qmp_note"));
        }
    }

    @Test
    void aVmWhoseSupervisorWasKilledSaysSoInListAndStatus() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        try (FakeVm vm = new FakeVm(vms(), VmState.RUNNING, List.of(), List.of("0000:7e:00.0"), (cmd, q) -> {
            switch (cmd.get("execute").asText()) {
                case "query-status" -> q.reply(cmd, "{\"running\":true,\"status\":\"running\"}");
                case "qom-list" -> q.reply(cmd, "[]");
                default -> q.error(cmd, "CommandNotFound", "unexpected");
            }
        })) {
            vm.dir.write(vm.record().withSupervisor(ProcessIdentity.of(gone.toHandle())));
            CliRun list = hostdev("vm", "list");
            CliRun status = hostdev("vm", "status", "fake");
            String gonePid = "supervisor (pid " + gone.pid() + ") is gone";
            assertTrue(list.out().contains("warning: VM fake: its " + gonePid), list.out());
            assertTrue(status.out().contains("warning: its " + gonePid) && status.out().contains("0000:7e:00.0"), status.out());
            JsonNode listed = JSON.readTree(hostdev("vm", "list", "--json").out()).get("vms").get(0);
            JsonNode shown = JSON.readTree(hostdev("vm", "status", "fake", "--json").out());
            assertFalse(listed.get("supervisor_alive").asBoolean(true));
            assertEquals(shown.get("supervisor_alive"), listed.get("supervisor_alive"));
            assertEquals(shown.get("warnings"), listed.get("warnings"));
        }
    }

    @Test
    void stopOfAVmWhoseMonitorDoesNotAnswerSendsSigtermAndSaysNoQuitWasSent() throws Exception {
        Process qemu = new ProcessBuilder("sleep", "60").start();
        try {
            VmRuntimeDir dir = new VmRuntimeDir(vms(), "mute");
            dir.create();
            dir.write(new VmRecord("mute", "/tmp/mute.toml", List.of("qemu-system-x86_64"), VmState.RUNNING,
                    ProcessIdentity.of(qemu.toHandle()), null, "2026-01-01T00:00:00Z", 0, null, new SlotMap(List.of()),
                    List.of(), List.of(), null));
            CliRun plan = hostdev("vm", "stop", "mute", "--force", "--dry-run");
            assertEquals(0, plan.exitCode(), plan.err());
            assertTrue(plan.out().contains("SIGTERM pid " + qemu.pid()) && plan.out().contains("SIGKILL pid " + qemu.pid())
                    && plan.out().contains("wait up to 5 s"), plan.out());
            CliRun stop = hostdev("vm", "stop", "mute", "--force");
            assertEquals(0, stop.exitCode(), stop.out() + stop.err());
            assertTrue(stop.out().contains("no quit was sent"), stop.out());
            assertFalse(stop.out().contains("of quit"), "no quit was sent, so nothing is timed from one: " + stop.out());
            assertTrue(stop.out().contains("sent SIGTERM to QEMU pid " + qemu.pid() + ", waiting up to 5 s"), stop.out());
            assertTrue(stop.out().contains("QEMU exited on SIGTERM"), stop.out());
            assertFalse(stop.out().contains("SIGKILL"), "SIGTERM was enough: " + stop.out());
            assertFalse(qemu.isAlive());
        } finally {
            qemu.destroyForcibly();
        }
    }
}
