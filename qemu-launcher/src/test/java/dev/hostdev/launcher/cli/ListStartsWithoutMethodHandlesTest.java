package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.testing.SampleHosts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plain {@code hostdev list} runs no lambda, stream, record {@code equals}/{@code hashCode}/{@code toString} or other
 * invokedynamic on its path: each links through {@code java.lang.invoke} and spins method-handle classes, 20–25 ms of a
 * command whose target is a bare JVM's start-up (docs/benchmarks.md). Checked in a JVM of its own, class loading logged.
 */
class ListStartsWithoutMethodHandlesTest {
    @TempDir
    Path dir;

    @Test
    void aPlainListLinksNoMethodHandles() throws Exception {
        MiniIds.install(SampleHosts.workstation(dir.resolve("host")));
        Path log = dir.resolve("classes.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:off", "-Xlog:class+load:file=" + log, "-cp", System.getProperty("java.class.path"),
                "dev.hostdev.launcher.cli.Main", "list", "--root", dir.resolve("host").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "list finished");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("out.txt")));
        List<String> spun = Files.readAllLines(log).stream()
                .filter(l -> l.contains("java.lang.runtime.ObjectMethods") || l.contains("LambdaForm$MH/")
                        || l.contains("java.lang.invoke.LambdaMetafactory") || l.contains("$$Lambda$"))
                .toList();
        assertEquals(List.of(), spun, "classes of the method-handle machinery that 'list' loaded");
    }
}
