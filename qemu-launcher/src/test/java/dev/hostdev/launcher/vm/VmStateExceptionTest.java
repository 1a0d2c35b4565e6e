package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.hostdev.engine.ErrorCode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class VmStateExceptionTest {
    @ParameterizedTest
    @CsvSource({
        "STARTING, wait for 'hostdev vm start' to finish",
        "STOPPING, wait for 'hostdev vm stop' to finish",
        "STOPPED, start it first: hostdev vm start SPEC",
        "CRASHED, start it first: hostdev vm start SPEC",
    })
    void hotplugIsRefusedOutsideRunningAndPausedWithTheFix(VmState state, String hint) {
        VmStateException e = assertThrows(VmStateException.class,
                () -> VmStateException.require("web", state, "attach", VmState.RUNNING, VmState.PAUSED));
        assertEquals("VM web is " + state.jsonName() + ": 'attach' needs it running or paused", e.getMessage());
        assertEquals(hint, e.hint());
        assertEquals(ErrorCode.STATE, e.code());
        assertEquals(state, e.state());
        assertEquals("web", e.vm());
        assertEquals("attach", e.operation());
    }

    @ParameterizedTest
    @EnumSource(value = VmState.class, names = {"RUNNING", "PAUSED"})
    void runningAndPausedAreAccepted(VmState state) {
        assertDoesNotThrow(() -> VmStateException.require("web", state, "unplug", VmState.RUNNING, VmState.PAUSED));
    }

    @ParameterizedTest
    @EnumSource(value = VmState.class, names = {"RUNNING", "PAUSED"})
    void aSecondStartOfALiveVmIsRefused(VmState state) {
        VmStateException e = assertThrows(VmStateException.class,
                () -> VmStateException.require("web", state, "start", VmState.STOPPED, VmState.CRASHED));
        assertEquals("stop it first: hostdev vm stop web", e.hint());
    }

    @ParameterizedTest
    @EnumSource(VmState.class)
    void onlyStatesWithAProcessHaveOne(VmState state) {
        boolean expected = state != VmState.STOPPED && state != VmState.CRASHED;
        assertEquals(expected, state.hasProcess());
    }
}
