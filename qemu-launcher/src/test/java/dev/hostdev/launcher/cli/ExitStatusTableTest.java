package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** ErrorCode is the one exit-status table: --help is made from it and the README must say the same. */
class ExitStatusTableTest {
    @Test
    void helpListsEveryErrorCode() {
        String help = CliRun.run("--help").out();
        for (ErrorCode c : ErrorCode.values()) {
            assertTrue(help.matches("(?s).*\\n  " + c.exitStatus() + " +\\Q" + c.summary() + "\\E\\n.*"), c + " in:\n" + help);
        }
    }

    @Test
    void theReadmeGivesTheSameTable() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = String.join(" ", Files.readString(readme).split("\\s+"));
        assertTrue(text.contains(ExitStatusTable.sentence()),
                "README.md must contain, wrapped as you like:\n" + ExitStatusTable.sentence());
    }

    @Test
    void troubleshootingsTableHasEveryCodeWithItsStatus() throws Exception {
        String text = Files.readString(Path.of("..", "docs", "troubleshooting.md"));
        for (ErrorCode c : ErrorCode.values()) {
            assertTrue(text.contains("\n| " + c.exitStatus() + " | `" + c.jsonName() + "` | "), c + " in docs/troubleshooting.md");
        }
    }

    @Test
    void theSentenceNamesEveryCodeOnce() {
        String s = ExitStatusTable.sentence();
        assertTrue(s.startsWith("Exit statuses: 0 done, 2 bad input (usage), 3 not found, "), s);
        assertEquals(ErrorCode.values().length + 1, ExitStatusTable.entries().size());
    }
}
