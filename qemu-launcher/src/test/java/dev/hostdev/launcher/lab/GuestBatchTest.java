package dev.hostdev.launcher.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.cli.Cli;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestBatchTest {
    @Test
    void runsShellAndHostdevStepsInOrderWritingOutcomesAfterEach(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("outcomes.json");
        List<StepOutcome> done = GuestBatch.run(List.of(
                BatchStep.sh("echo", "printf '{\"id\":\"hostdev7\"}'; echo oops >&2; exit 4").capturing("/id"),
                BatchStep.sh("uses-capture", "echo {{echo}} {{unknown}}"),
                BatchStep.hostdev("version", "--version"),
                BatchStep.hostdev("bad", "list", "--no-such-option")), out);
        assertEquals(4, done.size());
        assertEquals(4, done.get(0).exit());
        assertEquals("oops\n", done.get(0).stderr());
        assertEquals("hostdev7 {{unknown}}\n", done.get(1).stdout(), "captured values are substituted, unknown ones left");
        assertEquals(0, done.get(2).exit());
        assertFalse(done.get(2).stdout().isBlank(), "picocli's output is captured");
        assertEquals(2, done.get(3).exit());
        assertFalse(done.get(3).notImplemented(), "list is a real command: a usage error is a usage error");
        List<StepOutcome> onDisk = new ObjectMapper().readValue(out.toFile(), new TypeReference<List<StepOutcome>>() { });
        assertEquals(done, onDisk);
    }

    @Test
    void aCommandWithNoOwnOptionsOrParametersIsRecognisedAsAPlaceholder() {
        var cl = Cli.newCommandLine();
        assertFalse(GuestBatch.isPlaceholder(cl, List.of("list")), "list has options of its own");
        assertFalse(GuestBatch.isPlaceholder(cl, List.of("vm")), "a command with subcommands is not a placeholder");
        assertFalse(GuestBatch.isPlaceholder(cl, List.of("no-such")));
    }

    @Test
    void aStepIsEitherHostdevOrShell() {
        assertThrows(IllegalArgumentException.class, () -> new BatchStep("x", List.of("list"), "ls", null));
        assertThrows(IllegalArgumentException.class, () -> new BatchStep("x", null, null, null));
        assertThrows(IllegalArgumentException.class, () -> new BatchStep(" ", null, "ls", null));
        assertEquals("hostdev detach 01:00.0", BatchStep.hostdev("d", "detach", "01:00.0").display());
        assertTrue(BatchStep.sh("s", "ls {{a}}").substitute(Map.of("a", "/x")).sh().equals("ls /x"));
    }
}
