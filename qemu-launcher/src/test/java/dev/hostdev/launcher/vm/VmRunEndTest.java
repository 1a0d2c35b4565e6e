package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hostdev.engine.ErrorCode;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** How vm run's end is classified for its exit status: each case its own status from the one table. */
class VmRunEndTest {
    private static VmEnd end(String reason) {
        return new VmEnd(reason, reason.startsWith("guest"), "2026-01-01T00:00:00Z");
    }

    @Test
    void aGuestPowerOffIsZeroWhetherAskedOrNot() {
        assertEquals(VmRunEnd.POWERED_OFF, VmRunEnd.of(end("guest-shutdown"), 0, null));
        assertEquals(VmRunEnd.POWERED_OFF, VmRunEnd.of(end("guest-shutdown"), 0, VmStopper.How.POWERDOWN));
        assertEquals(0, VmRunEnd.POWERED_OFF.exitStatus());
    }

    @Test
    void aStopThatHadToQuitOrKillIsForcedWithTheTimeoutStatus() {
        assertEquals(VmRunEnd.FORCED, VmRunEnd.of(end("host-qmp-quit"), 0, VmStopper.How.QUIT));
        assertEquals(VmRunEnd.FORCED, VmRunEnd.of(end("host-signal"), 143, VmStopper.How.SIGTERM));
        assertEquals(VmRunEnd.FORCED, VmRunEnd.of(VmEnd.withoutShutdownEvent(), 137, VmStopper.How.SIGKILL));
        assertEquals(ErrorCode.TIMEOUT.exitStatus(), VmRunEnd.FORCED.exitStatus());
    }

    @Test
    void aVmStopFromElsewhereThatHadToQuitIsForcedToo() {
        assertEquals(VmRunEnd.FORCED, VmRunEnd.of(end("host-qmp-quit"), 0, null, true));
        assertEquals(VmRunEnd.FORCED, VmRunEnd.of(VmEnd.withoutShutdownEvent(), 137, null, true), "vm stop's SIGKILL");
        assertEquals(VmRunEnd.POWERED_OFF, VmRunEnd.of(end("guest-shutdown"), 0, null, true));
        assertEquals(VmRunEnd.CRASHED, VmRunEnd.of(end("guest-panic"), 0, null, true));
    }

    @Test
    void qemuEndedFromOutsideIsKilled() {
        assertEquals(VmRunEnd.KILLED, VmRunEnd.of(VmEnd.withoutShutdownEvent(), 137, null), "SIGKILL");
        assertEquals(VmRunEnd.KILLED, VmRunEnd.of(end("host-signal"), 0, null), "SIGTERM to QEMU");
        assertEquals(VmRunEnd.KILLED, VmRunEnd.of(end("host-qmp-quit"), 0, null), "quit from another QMP client");
        assertEquals(VmRunEnd.KILLED, VmRunEnd.of(end("host-signal"), 0, VmStopper.How.ALREADY_ENDED), "ended before the stop began");
    }

    @Test
    void anAbortASegfaultOrAGuestPanicIsACrash() {
        assertEquals(VmRunEnd.CRASHED, VmRunEnd.of(VmEnd.withoutShutdownEvent(), 134, null), "SIGABRT");
        assertEquals(VmRunEnd.CRASHED, VmRunEnd.of(VmEnd.withoutShutdownEvent(), 139, null), "SIGSEGV");
        assertEquals(VmRunEnd.CRASHED, VmRunEnd.of(VmEnd.withoutShutdownEvent(), 1, null), "an error exit");
        assertEquals(VmRunEnd.CRASHED, VmRunEnd.of(end("guest-panic"), 0, null));
        assertEquals(VmRunEnd.CRASHED, VmRunEnd.of(end("host-error"), 0, null));
        assertEquals(ErrorCode.QEMU.exitStatus(), VmRunEnd.CRASHED.exitStatus());
    }

    @Test
    void everyEndHasAStatusOfItsOwn() {
        Set<Integer> statuses = Stream.of(VmRunEnd.values()).map(VmRunEnd::exitStatus).collect(Collectors.toSet());
        assertEquals(VmRunEnd.values().length, statuses.size());
    }
}
