package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QmpTranscriptFileTest {
    @TempDir
    Path dir;

    @Test
    void eachMessageIsAppendedAsATimestampedLineAndEchoedUnderVerbose() throws Exception {
        Path log = dir.resolve("qmp.log");
        Files.writeString(log, "earlier\n");
        StringWriter echo = new StringWriter();
        QmpTranscriptFile t = new QmpTranscriptFile(log, new PrintWriter(echo));
        t.record("-> {\"execute\":\"qmp_capabilities\"}");
        t.record("<- {\"return\": {}}");
        t.close();
        List<String> lines = Files.readAllLines(log);
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("earlier", lines.get(0));
        assertTrue(lines.get(1).matches("\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z -> \\{\"execute\":\"qmp_capabilities\"}"), lines.get(1));
        assertEquals("qmp -> {\"execute\":\"qmp_capabilities\"}\nqmp <- {\"return\": {}}\n", echo.toString());
    }

    @Test
    void aFullLogBecomesTheOldOneAndANewOneStarts() throws Exception {
        Path log = dir.resolve("qmp.log");
        Path old = dir.resolve("qmp.log.1");
        Files.writeString(old, "the one before\n");
        Files.write(log, new byte[(int) QmpTranscriptFile.MAX_BYTES + 1]);
        QmpTranscriptFile t = new QmpTranscriptFile(log, null);
        t.record("<- {\"return\": {}}");
        t.close();
        assertEquals(QmpTranscriptFile.MAX_BYTES + 1, Files.size(old), "the full log replaced the one before");
        assertEquals(1, Files.readAllLines(log).size(), "the new log has just the new line");
    }
}
