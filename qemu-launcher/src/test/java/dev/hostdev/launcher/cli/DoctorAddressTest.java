package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 11.7: doctor reads device names with the parser every other command uses, so it refuses what they refuse. */
class DoctorAddressTest {
    @TempDir
    Path root;

    @Test
    void blanksAndNewlinesAroundAnAddressAreRefusedAsByShow() {
        for (String bad : new String[] {" 0000:19:00.0", "0000:19:00.0\n"}) {
            CliRun doctor = CliRun.run("doctor", bad, "--root", root.toString());
            CliRun show = CliRun.run("show", bad, "--root", root.toString());
            assertEquals(2, doctor.exitCode(), doctor.err());
            assertEquals(show.exitCode(), doctor.exitCode(), "doctor and show agree: " + show.err());
            assertTrue(doctor.err().contains("not a device"), doctor.err());
        }
    }
}
