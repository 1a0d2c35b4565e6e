package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the waiter's clean-up tells a VM's end from QEMU's exit status, its shutdown trace and its last words. */
class ExitReasonTest {
    @TempDir
    Path tmp;

    @Test
    void theLastTracedShutdownCauseIsTheReason() throws Exception {
        Path trace = tmp.resolve("shutdown.trace");
        Files.writeString(trace, "qemu_system_shutdown_request reason=6\n12345@1.5:qemu_system_shutdown_request reason=2\n");
        VmEnd end = ExitReason.of(0, trace, tmp.resolve("none.log"));
        assertEquals("host-qmp-quit", end.reason());
        assertEquals(Boolean.FALSE, end.guest());
        Files.writeString(trace, "qemu_system_shutdown_request reason=6\n");
        assertEquals(new VmEnd("guest-shutdown", true, "x").reason(), ExitReason.of(0, trace, tmp.resolve("none.log")).reason());
        assertEquals(Boolean.TRUE, ExitReason.of(0, trace, tmp.resolve("none.log")).guest());
    }

    @Test
    void aSignalQemuCatchesIsTheLastLineOfItsLog() throws Exception {
        Path log = tmp.resolve("qemu.log");
        Files.writeString(log, "something\nqemu-system-x86_64: terminating on signal 15 from pid 77 (java)\n");
        VmEnd end = ExitReason.of(0, tmp.resolve("no.trace"), log);
        assertEquals("host-signal", end.reason());
        Files.writeString(log, "qemu-system-x86_64: terminating on signal 15 from pid 77 (java)\nlater output\n");
        assertEquals("unknown", ExitReason.of(0, tmp.resolve("no.trace"), log).reason(), "only QEMU's last words count");
    }

    @Test
    void aNonZeroStatusIsAnEndWithoutShutdownEventWhateverTheFilesSay() throws Exception {
        Path trace = tmp.resolve("shutdown.trace");
        Files.writeString(trace, "qemu_system_shutdown_request reason=6\n");
        VmEnd end = ExitReason.of(137, trace, tmp.resolve("none.log"));
        assertEquals(VmEnd.NO_SHUTDOWN_EVENT, end.reason());
        assertNull(end.guest());
        assertEquals(VmState.CRASHED, end.state());
        assertEquals("killed by signal 9", ExitReason.describeStatus(137));
        assertEquals("exit status 1", ExitReason.describeStatus(1));
    }

    @Test
    void garbageInTheTraceIsNoReason() throws Exception {
        Path trace = tmp.resolve("shutdown.trace");
        Files.writeString(trace, "qemu_system_shutdown_request reason=99999\nqemu_system_shutdown_request reason=x\n");
        assertEquals("unknown", ExitReason.of(0, trace, tmp.resolve("none.log")).reason());
        Files.writeString(trace, "qemu_system_shutdown_request reason=200\n");
        assertEquals("unknown", ExitReason.of(0, trace, tmp.resolve("none.log")).reason(), "a cause newer than Hostdev knows");
    }

    @Test
    void theClean_upsArgumentFileKeepsEveryArgumentWhole() throws Exception {
        String file = Supervisor.argFile(List.of("-cp", "/opt/my dir/a\"b\\c.jar", "vm"));
        assertEquals("\"-cp\"\n\"/opt/my dir/a\\\"b\\\\c.jar\"\n\"vm\"\n", file);
    }

    @Test
    void theWaitersQemuRunsWithoutShutdownPauseAndWithItsShutdownTraced() {
        VmRuntimeDir dir = new VmRuntimeDir(tmp, "w");
        List<String> argv = Supervisor.waitedArgv(List.of("qemu", "-S", "-action", "shutdown=pause", "-m", "64M"), ExitReason.traceFile(dir));
        assertEquals(List.of("qemu", "-S", "-m", "64M", "-trace", "enable=qemu_system_shutdown_request", "-D",
                tmp.resolve("w").resolve("shutdown.trace").toString()), argv);
    }
}
