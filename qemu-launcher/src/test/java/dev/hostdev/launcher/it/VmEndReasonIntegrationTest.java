package dev.hostdev.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.cli.CliRun;
import dev.hostdev.launcher.lab.NewcCpioWriter;
import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpOptions;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a VM ended, as the supervisor records it from QEMU's SHUTDOWN event on its own monitor, with the
 * real qemu-system-x86_64 (TCG, firmware only): QMP {@code quit} from another client is a stop
 * ({@code host-qmp-quit}), SIGTERM is a stop ({@code host-signal}), SIGKILL is a crash (no event). Every
 * QEMU and supervisor started here is killed by pid afterwards.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VmEndReasonIntegrationTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private Path spec;
    private VmRuntimeDir dir;
    @RegisterExtension
    final StartedVms started = new StartedVms();

    @BeforeEach
    void spec() throws Exception {
        assumeTrue(RealQemu.binary().isPresent(), RealQemu.SKIP);
        spec = root.resolve("endvm.toml");
        Files.writeString(spec, """
                name = "endvm"
                memory = "128M"
                cpus = 1
                accel = "tcg"
                spare_root_ports = 1
                """);
        dir = started.dir(root, "endvm");
    }

    private CliRun hostdev(String... args) {
        return CliRun.under(root, args);
    }

    private VmRecord startVm() {
        CliRun r = hostdev("vm", "start", spec.toString());
        assertEquals(0, r.exitCode(), r.err());
        VmRecord rec = dir.require();
        started.alsoKill(rec.qemu());
        started.alsoKill(rec.supervisor());
        assertTrue(rec.supervisor() != null && rec.supervisor().isAlive(), "vm start leaves a supervisor");
        assertNull(rec.ended(), "a running VM has no end recorded");
        return rec;
    }

    /**
     * Waits until the supervisor listens on QEMU's second monitor. vm start does not wait for it; until
     * then only a guest power-off is kept for it (QEMU pauses), a quit or a signal is not heard.
     */
    private void awaitSupervisorListening() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!(Files.exists(dir.supervisorLog()) && Files.readString(dir.supervisorLog()).contains("listening for SHUTDOWN"))) {
            assertTrue(System.nanoTime() < deadline, "the supervisor listens within 20 s");
            Thread.sleep(20);
        }
    }

    /** Waits for the supervisor to finish its cleanup (it exits then) and returns the record. */
    private VmRecord afterSupervisor(VmRecord r) throws Exception {
        return afterSupervisor(r, 20);
    }

    /** The same, waiting up to {@code seconds}: a guest kernel that boots under TCG to power off is slow on a loaded host. */
    private VmRecord afterSupervisor(VmRecord r, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while ((r.qemu().isAlive() || r.supervisor().isAlive()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(r.qemu().isAlive(), "QEMU has ended");
        assertFalse(r.supervisor().isAlive(), "the supervisor ends once it has cleaned up: " + Files.readString(dir.supervisorLog()));
        return dir.require();
    }

    private JsonNode statusJson() throws Exception {
        CliRun s = hostdev("vm", "status", "endvm", "--json");
        assertEquals(0, s.exitCode(), s.err());
        return JSON.readTree(s.out());
    }

    @Test
    void quitFromAnotherQmpClientIsAStopWithItsReasonAndTheVmStartsAgain() throws Exception {
        VmRecord r = startVm();
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.supervisorSocket())),
                "the supervisor's socket is the owner's only");
        awaitSupervisorListening();
        try (QmpClient q = QmpClient.connect(dir.qmpSocket(), QmpOptions.defaults())) {
            try {
                q.execute("quit");
            } catch (HostdevException e) {
                // QEMU may close the connection before its answer arrives
            }
        }
        VmRecord after = afterSupervisor(r);
        assertEquals(VmState.STOPPED, after.state(), Files.readString(dir.supervisorLog()));
        assertEquals("host-qmp-quit", after.ended().reason());
        assertEquals(Boolean.FALSE, after.ended().guest());
        assertFalse(Files.exists(dir.supervisorSocket()), "the supervisor's socket is removed");

        JsonNode status = statusJson();
        assertEquals("stopped", status.path("state").asText());
        assertEquals("host-qmp-quit", status.path("ended").path("reason").asText(), status.toPrettyString());
        assertFalse(status.path("ended").path("guest").asBoolean(true));
        CliRun list = hostdev("vm", "list");
        assertTrue(list.out().contains("ENDED") && list.out().matches("(?s).*endvm\\s+stopped.*host-qmp-quit.*"), list.out());
        JsonNode listJson = JSON.readTree(hostdev("vm", "list", "--json").out());
        assertEquals("host-qmp-quit", listJson.get("vms").get(0).path("ended").path("reason").asText());

        CliRun stop = hostdev("vm", "stop", "endvm");
        assertEquals(0, stop.exitCode(), "vm stop after QEMU ended only cleans up: " + stop.err());
        assertTrue(stop.out().contains("VM endvm is stopped: QEMU had already ended: QEMU was told to quit over QMP (host-qmp-quit)"),
                stop.out());

        VmRecord again = startVm();
        assertEquals(VmState.RUNNING, again.state());
        assertTrue(statusJson().path("ended").isNull(), "a restarted VM forgets its last end");
        CliRun stopAgain = hostdev("vm", "stop", "endvm", "--force");
        assertEquals(0, stopAgain.exitCode(), stopAgain.err());
        assertEquals("host-qmp-quit", dir.require().ended().reason());
    }

    @Test
    void sigtermToQemuIsAStopByASignal() throws Exception {
        VmRecord r = startVm();
        awaitSupervisorListening();
        assertTrue(r.qemu().handle().orElseThrow().destroy(), "SIGTERM sent");
        VmRecord after = afterSupervisor(r);
        assertEquals(VmState.STOPPED, after.state(), Files.readString(dir.supervisorLog()));
        assertEquals("host-signal", after.ended().reason());
        CliRun status = hostdev("vm", "status", "endvm");
        assertTrue(status.out().contains("VM endvm: stopped"), status.out());
        assertTrue(status.out().contains("ended: QEMU was ended by a signal (SIGTERM, SIGINT or SIGHUP) (host-signal)"), status.out());
    }

    @Test
    void aGuestThatPowersOffIsStoppedWithGuestShutdown() throws Exception {
        Path kernel = RealQemu.hostKernel().orElse(Path.of("/boot/vmlinuz-(none)"));
        Path busybox = Path.of("/usr/bin/busybox");
        assumeTrue(Files.isReadable(kernel) && Files.isExecutable(busybox), "needs a /boot/vmlinuz-* and a static " + busybox);
        Path initrd = root.resolve("poweroff.cpio");
        try (NewcCpioWriter cpio = new NewcCpioWriter(Files.newOutputStream(initrd))) {
            cpio.directory("bin", 0755);
            cpio.file("bin/busybox", 0755, Files.readAllBytes(busybox));
            cpio.symlink("bin/sh", "busybox");
            cpio.file("init", 0755, "#!/bin/sh\n/bin/busybox poweroff -f\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        Files.writeString(spec, Files.readString(spec) + "kernel = \"" + kernel + "\"\ninitrd = \"" + initrd
                + "\"\nappend = \"console=ttyS0 quiet panic=-1\"\n");
        VmRecord r = startVm();
        VmRecord after = afterSupervisor(r, 120);
        assertEquals(VmState.STOPPED, after.state(), Files.readString(dir.supervisorLog()));
        assertEquals("guest-shutdown", after.ended().reason());
        assertEquals(Boolean.TRUE, after.ended().guest());
    }

    @Test
    void sigkillToQemuIsACrash() throws Exception {
        VmRecord r = startVm();
        r.qemu().handle().orElseThrow().destroyForcibly();
        VmRecord after = afterSupervisor(r);
        assertEquals(VmState.CRASHED, after.state(), Files.readString(dir.supervisorLog()));
        assertEquals("no-shutdown-event", after.ended().reason());
        assertNull(after.ended().guest());
        JsonNode status = statusJson();
        assertEquals("crashed", status.path("state").asText());
        assertEquals("no-shutdown-event", status.path("ended").path("reason").asText());
        CliRun stop = hostdev("vm", "stop", "endvm");
        assertEquals(0, stop.exitCode(), stop.err());
        assertTrue(stop.out().contains("VM endvm is crashed: QEMU had already ended: QEMU ended without a SHUTDOWN event"), stop.out());
        assertEquals(VmState.CRASHED, dir.require().state(), "vm stop after a crash does not hide it");
    }
}
