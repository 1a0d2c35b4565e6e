package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code attach NAME DEV} parses (it did not while DEV sat in an exclusive argument group: the lab
 * found it), and DEV and {@code --emulated} exclude each other. The VM does not exist, so each run
 * stops at the VM lookup or at the usage check; nothing is written.
 */
class AttachCommandParsingTest {
    @Test
    void aHostDeviceAfterTheVmNameIsAccepted() {
        CliRun r = CliRun.run("attach", "no-such-vm-for-parsing", "0000:02:00.0", "--managed", "--dry-run");
        assertFalse(r.err().contains("Unmatched argument"), r.err());
        assertEquals(3, r.exitCode(), "stops at the missing VM (not found): " + r.err());
    }

    @Test
    void deviceAndEmulatedExcludeEachOther() {
        CliRun both = CliRun.run("attach", "no-such-vm-for-parsing", "0000:02:00.0", "--emulated", "e1000e");
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("not both"), both.err());
        CliRun neither = CliRun.run("attach", "no-such-vm-for-parsing");
        assertEquals(2, neither.exitCode());
        assertTrue(neither.err().contains("name the device to attach"), neither.err());
    }

    @Test
    void functionsTakesAllOnly() {
        CliRun r = CliRun.run("attach", "no-such-vm-for-parsing", "0000:02:00.0", "--functions", "two", "--dry-run");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("--functions takes 'all', not 'two'"), r.err());
        CliRun all = CliRun.run("attach", "no-such-vm-for-parsing", "0000:02:00.0", "--functions", "all", "--dry-run");
        assertEquals(3, all.exitCode(), "parses, then stops at the missing VM: " + all.err());
    }
}
