package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostdev batch} with commands that need no QEMU: its own behaviour, not the commands'. */
class BatchCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path root;

    private Path batch(String... lines) throws Exception {
        Path f = root.resolve("commands");
        Files.write(f, List.of(lines));
        return f;
    }

    @Test
    void runsEachLineWithTheBatchsRootSkippingCommentsAndBlanks() throws Exception {
        Path f = batch("# two listings", "", "vm list", "  vm list --json  # as JSON");
        CliRun r = CliRun.run("batch", f.toString(), "--root", root.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("no VMs (in " + root.resolve("run/hostdev/vms") + ")\n"), r.out());
        assertTrue(r.out().endsWith("\n{\"vms\":[],\"unreadable\":[]}\n"), "the second line ran too, its JSON on one line: " + r.out());
    }

    @Test
    void stopsAtTheFirstFailureWithItsStatus() throws Exception {
        Path f = batch("vm status ghost", "vm list");
        CliRun r = CliRun.run("batch", f.toString(), "--root", root.toString());
        assertEquals(3, r.exitCode(), "not found, as the failed command: " + r.err());
        assertTrue(r.err().contains("hostdev: no VM named 'ghost'"), r.err());
        assertTrue(r.err().contains("batch stopped at line 1 (exit 3)"), r.err());
        assertFalse(r.out().contains("no VMs"), "the second line did not run: " + r.out());
    }

    @Test
    void keepGoingWithJsonGivesOneLinePerCommandAndTheFirstFailure() throws Exception {
        Path f = batch("vm list", "vm start 'unterminated", "batch other", "vm status ghost", "vm list --json");
        CliRun r = CliRun.run("batch", f.toString(), "--keep-going", "--json", "--root", root.toString());
        assertEquals(2, r.exitCode(), "the first failure's status");
        String[] lines = r.out().split("\n");
        assertEquals(5, lines.length, r.out());
        JsonNode first = MAPPER.readTree(lines[0]);
        assertEquals(1, first.get("line").asInt());
        assertEquals("vm list", first.get("command").asText());
        assertEquals(0, first.get("exit").asInt());
        assertTrue(first.get("stdout").asText().startsWith("no VMs"), lines[0]);
        JsonNode unterminated = MAPPER.readTree(lines[1]);
        assertEquals(2, unterminated.get("exit").asInt());
        assertTrue(unterminated.get("stderr").asText().contains("line 2 is not a command: unterminated single quote"), lines[1]);
        assertTrue(MAPPER.readTree(lines[2]).get("stderr").asText().contains("a batch cannot run another batch"), lines[2]);
        assertEquals(3, MAPPER.readTree(lines[3]).get("exit").asInt());
        JsonNode last = MAPPER.readTree(lines[4]);
        assertEquals(5, last.get("line").asInt());
        assertEquals(0, MAPPER.readTree(last.get("stdout").asText()).get("vms").size(), "a line's own --json output, as a string");
    }

    @Test
    void aLineCannotChooseAnotherRoot() throws Exception {
        Path other = Files.createDirectory(root.resolve("other"));
        for (String line : List.of("vm list --root " + ShellQuote.quote(other.toString()), "detach 0000:03:00.0 --root /",
                "detach 0000:03:00.0 --root=/ --dry-run", "vm status x --root /")) {
            CliRun r = CliRun.run("batch", batch("vm list", line, "vm list").toString(), "--root", root.toString());
            assertEquals(2, r.exitCode(), line + ": " + r.err());
            assertTrue(r.err().contains("--root is fixed for the whole batch (" + root + "): a line cannot choose another host"), r.err());
            assertTrue(r.err().contains("batch stopped at line 2"), r.err());
            assertFalse(r.out().contains(other.toString()), "nothing ran under the other root: " + r.out());
        }
        for (String line : List.of("vm list --run-dir " + ShellQuote.quote(other.toString()), "--run-dir=/ vm list")) {
            CliRun r = CliRun.run("batch", batch(line).toString(), "--root", root.toString());
            assertEquals(2, r.exitCode(), line + ": " + r.err());
            assertTrue(r.err().contains("--run-dir is fixed for the whole batch (the default): a line cannot choose another host or run"
                    + " directory"), r.err());
        }
        CliRun verbose = CliRun.run("batch", batch("vm list -v").toString(), "--root", root.toString());
        assertEquals(0, verbose.exitCode(), "options that do not choose the host stay the line's own: " + verbose.err());
    }

    @Test
    void aMissingFileIsNotFound() {
        CliRun r = CliRun.run("batch", root.resolve("nope").toString());
        assertEquals(3, r.exitCode());
        assertTrue(r.err().contains("no batch file " + root.resolve("nope")), r.err());
    }
}
