package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file the user gives that is not UTF-8 is the user's error: exit 2 naming the file, line and byte offset. */
class BadFilesTest {
    @TempDir
    Path dir;

    @Test
    void aBatchFileThatIsNotUtf8() throws Exception {
        Path f = dir.resolve("rig.txt");
        byte[] good = "vm list\n# caf\u00e9 is UTF-8\nvm list ".getBytes(StandardCharsets.UTF_8);
        byte[] bytes = java.util.Arrays.copyOf(good, good.length + 2);
        bytes[good.length] = (byte) 0xff;
        bytes[good.length + 1] = '\n';
        Files.write(f, bytes);
        CliRun r = CliRun.run("batch", f.toString(), "--root", dir.toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("hostdev: batch file " + f + " is not UTF-8 text: line 3, byte offset " + good.length + " (byte 0xff)"),
                r.err());
        assertFalse(r.err().contains("internal") || r.err().contains("MalformedInput") || r.err().contains("Input length"), r.err());
        assertTrue(r.err().contains("batch stopped at line 3 (exit 2)"), r.err());
        assertTrue(r.out().startsWith("no VMs"), "the lines before it ran: " + r.out());
    }

    @Test
    void underJsonTheBadLineIsOneResultLikeAnyOther() throws Exception {
        Path f = dir.resolve("rig.txt");
        Files.write(f, new byte[] {'v', 'm', ' ', (byte) 0xc3, '\n', 'v', 'm', ' ', 'l', 'i', 's', 't', '\n'});
        CliRun r = CliRun.run("batch", f.toString(), "--json", "--keep-going", "--root", dir.toString());
        assertEquals(2, r.exitCode(), r.out());
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r.out());
        JsonNode bad = new ObjectMapper().readTree(lines[0]);
        assertEquals(2, bad.get("exit").asInt());
        assertTrue(bad.get("stderr").asText().contains("is not UTF-8 text: line 1, byte offset 3 (byte 0xc3)"), lines[0]);
        assertEquals(0, new ObjectMapper().readTree(lines[1]).get("exit").asInt(), "the next line still ran: " + lines[1]);
    }

    @Test
    void aSpecThatIsNotUtf8() throws Exception {
        Path spec = dir.resolve("latin1.toml");
        Files.write(spec, "name = \"vm\"\n# caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        for (String[] command : new String[][] {{"vm", "cmdline", spec.toString()}, {"vm", "start", spec.toString(), "--dry-run"},
            {"doctor", "--spec", spec.toString()}}) {
            CliRun r = CliRun.run(command);
            assertEquals(2, r.exitCode(), String.join(" ", command) + ": " + r.err());
            assertTrue(r.err().contains("spec file " + spec + " is not UTF-8 text: line 2, byte offset 17 (byte 0xe9)"), r.err());
            assertTrue(r.err().contains("hint: save it as UTF-8"), r.err());
        }
        CliRun json = CliRun.run("vm", "cmdline", spec.toString(), "--json");
        JsonNode e = new ObjectMapper().readTree(json.out()).get("error");
        assertEquals("usage", e.get("code").asText());
    }
}
