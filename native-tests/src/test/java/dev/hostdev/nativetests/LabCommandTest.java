package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostdev lab --json} as a user runs it: the real jar, on this host, boots the lab and walks
 * the whole procedure. Every step must pass; a step may be skipped only because its command is still
 * a placeholder in this build (which the lab reports as "not in this build yet"). The exit status
 * says whether all passed.
 */
class LabCommandTest {
    @Test
    void theLabWalksTheWholeProcedure(@TempDir Path tmp) throws Exception {
        LabVmExtension.environmentOrSkip();
        Path jar = LabVmExtension.hostdevJarOrSkip();
        Path out = tmp.resolve("lab.json");
        Path err = tmp.resolve("lab.err");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-jar", jar.toString(), "lab", "--json")
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(6, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail("hostdev lab did not finish within 6 minutes; stderr: " + Files.readString(err));
        }
        String json = Files.readString(out, StandardCharsets.UTF_8);
        JsonNode root = new ObjectMapper().readTree(json);
        System.out.printf("[lab] hostdev lab: boot %d ms, %s s, %d/%d passed%n", root.path("boot_ms").asLong(),
                root.path("seconds").asText(), root.path("passed").asInt(), root.path("total").asInt());
        List<String> failed = new ArrayList<>();
        int passed = 0;
        for (JsonNode s : root.path("steps")) {
            String status = s.path("status").asText();
            System.out.printf("[lab]   %-7s %s: %s%n", status, s.path("title").asText(), s.path("detail").asText());
            if (status.equals("passed")) {
                passed++;
            } else if (!(status.equals("skipped") && s.path("detail").asText().contains("is not in this build yet"))) {
                failed.add(s.path("title").asText() + ": " + s.path("detail").asText());
            }
        }
        assertTrue(failed.isEmpty(), "failed steps: " + failed + "\nlogs: " + root.path("logs").asText());
        assertEquals(10, root.path("total").asInt(), json);
        assertEquals(passed, root.path("passed").asInt());
        assertTrue(passed >= 2, "at least list and show pass");
        assertEquals(passed == root.path("total").asInt() ? 0 : 1, p.exitValue(), "exit status: 0 only when every step passed");
        if (root.has("logs")) {
            deleteTree(Path.of(root.path("logs").asText()));
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        if (Files.exists(dir) && dir.getFileName().toString().startsWith("hostdev-lab-")) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
