package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.vm.VmRunEnd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vm run's help, exit statuses and refusals, without QEMU. */
class VmRunCommandTest {
    @TempDir
    Path root;

    @Test
    void theHelpListsEachEndWithTheStatusVmRunEndGivesIt() {
        Map<VmRunEnd, String> documented = Map.of(VmRunEnd.POWERED_OFF, VmRunCommand.STATUS_POWERED_OFF,
                VmRunEnd.CRASHED, VmRunCommand.STATUS_CRASHED, VmRunEnd.FORCED, VmRunCommand.STATUS_FORCED,
                VmRunEnd.KILLED, VmRunCommand.STATUS_KILLED);
        assertEquals(VmRunEnd.values().length, documented.size(), "every end is documented");
        documented.forEach((end, line) -> assertTrue(line.startsWith(end.exitStatus() + ":"), end + ": " + line));
        String help = CliRun.run("vm", "run", "--help").out();
        String words = help.replaceAll("\\s+", " ");
        for (String line : documented.values()) {
            assertTrue(words.contains(" " + line.replaceFirst(":", " ") + " "), line + " in:\n" + help);
        }
        assertTrue(help.contains("--stop-timeout=S") && help.contains("Default: 60"), help);
    }

    @Test
    void aSpecThatIsNotThereIsNotFoundAndNothingIsStarted() {
        CliRun r = CliRun.run("vm", "run", root.resolve("nosuch.toml").toString(), "--root", root.toString());
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.err().contains("nosuch.toml"), r.err());
        assertTrue(!Files.exists(root.resolve("run/hostdev/vms")) || root.resolve("run/hostdev/vms").toFile().list().length == 0);
    }

    @Test
    void aBadStopTimeoutIsBadInput() {
        CliRun r = CliRun.run("vm", "run", "x.toml", "--stop-timeout", "-3", "--root", root.toString());
        assertEquals(2, r.exitCode(), r.err());
    }
}
