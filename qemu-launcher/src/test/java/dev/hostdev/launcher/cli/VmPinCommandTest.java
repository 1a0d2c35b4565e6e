package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vm pin}'s refusals (pinning a real QEMU: PinningIntegrationTest; the guide shows a real run). */
class VmPinCommandTest {
    @TempDir
    Path dir;

    @Test
    void anUnknownVmIsNotFoundAndABadNameAUsageError() {
        CliRun ghost = CliRun.run("vm", "pin", "ghost", "--root", dir.toString(), "--run-dir", dir.resolve("vms").toString());
        assertEquals(3, ghost.exitCode(), ghost.out() + ghost.err());
        CliRun bad = CliRun.run("vm", "pin", "../x", "--root", dir.toString(), "--run-dir", dir.resolve("vms").toString());
        assertEquals(2, bad.exitCode(), bad.out() + bad.err());
        assertTrue(bad.err().contains("not a VM name"), bad.err());
    }
}
