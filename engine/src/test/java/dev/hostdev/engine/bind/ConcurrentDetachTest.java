package dev.hostdev.engine.bind;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.testing.Contenders;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three real processes detach the same device at once: one does it, the others are refused, nothing is written twice. */
class ConcurrentDetachTest {
    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    private final Contenders contenders = new Contenders();

    @AfterEach
    void killChildren() {
        contenders.close();
    }

    @Test
    void exactlyOneProcessDetachesAndTheOthersAreToldWhoHoldsTheDevice() throws Exception {
        Bench bench = new Bench(dir);
        Path start = dir.resolve("start");
        for (int i = 0; i < 3; i++) {
            contenders.spawn(DetachContender.class, dir.toString(), Bench.NIC.toString(), start.toString());
        }
        List<String> results = contenders.race(start);
        assertTrue(contenders.allEndWithin(60));
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
