package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HostdevCommandTest {
    @Test
    void helpListsTheCommands() {
        CliRun r = CliRun.run("--help");
        assertEquals(0, r.exitCode());
        for (String c : new String[] {"list", "show", "groups", "detach", "reattach", "recover", "doctor", "vm",
            "attach", "unplug", "lab"}) {
            assertTrue(r.out().contains(c), "help names " + c);
        }
    }

    @Test
    void unknownOptionIsAUsageErrorWithoutStackTrace() {
        CliRun r = CliRun.run("--bogus");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("hostdev: Unknown option: '--bogus'"), r.err());
        assertTrue(!r.err().contains("at dev.hostdev"), r.err());
    }

    @Test
    void missingCommandIsAUsageError() {
        assertEquals(2, CliRun.run().exitCode());
    }
}
