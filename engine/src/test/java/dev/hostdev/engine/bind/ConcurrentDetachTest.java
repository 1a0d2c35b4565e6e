package dev.hostdev.engine.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real processes detach the same device at once: one does it, the others are refused, nothing is written twice. */
class ConcurrentDetachTest {
    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    private final List<Process> children = new ArrayList<>();

    @AfterEach
    void killChildren() {
        children.forEach(Process::destroyForcibly);
    }

    @Test
    void exactlyOneProcessDetachesAndTheOthersAreToldWhoHoldsTheDevice() throws Exception {
        Bench bench = new Bench(dir);
        Path start = dir.resolve("start");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<BufferedReader> outs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Process p = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    DetachContender.class.getName(), dir.toString(), Bench.NIC.toString(), start.toString())
                    .redirectErrorStream(true).start();
            children.add(p);
            outs.add(new BufferedReader(new InputStreamReader(p.getInputStream())));
        }
        for (BufferedReader out : outs) {
            assertEquals("READY", out.readLine());
        }
        Files.createFile(start);
        List<String> results = new ArrayList<>();
        for (BufferedReader out : outs) {
            results.add(out.readLine());
        }
        for (Process p : children) {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        }
        assertEquals(1, results.stream().filter(r -> r.equals("DETACHED")).count(), results.toString());
        assertTrue(results.stream().anyMatch(r -> r.startsWith("BUSY ")), "the writes take over a second: someone met the lock " + results);
        for (String r : results) {
            if (!r.equals("DETACHED")) {
                assertTrue(r.startsWith("BUSY 0000:04:01.0 is being changed by another Hostdev process: pid ")
                        && r.endsWith(" (hostdev detach)") || r.equals("ALREADY_DETACHED"), r);
            }
        }
        assertEquals("vfio-pci", bench.driver(Bench.NIC));
        assertTrue(bench.records().find(Bench.NIC).isPresent());
        assertEquals(List.of(), bench.journal().pending());
        assertEquals("e1000", bench.records().find(Bench.NIC).orElseThrow().originalDriver());
    }
}
