package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Devices named by selectors on the command line: {@code show} prints them, {@code detach} takes them. */
class SelectorArgumentsTest {
    @TempDir(factory = TmpfsTempDir.class)
    Path dir;

    @BeforeEach
    void host() {
        MiniIds.install(SampleHosts.workstation(dir).pciDriver("vfio-pci"));
    }

    @Test
    void showJsonListsSelectorsThatEachShowTheSameDevice() throws Exception {
        CliRun r = CliRun.run("show", "--root", dir.toString(), "--json", "01:00.0");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("pci0000:00/1c.0/00.0", j.get("topology_path").asText());
        List<String> selectors = new ArrayList<>();
        j.get("selectors").forEach(s -> selectors.add(s.asText()));
        assertTrue(selectors.contains("path:pci0000:00/1c.0/00.0"), selectors.toString());
        assertTrue(selectors.stream().anyMatch(s -> s.startsWith("id:")), selectors.toString());
        String want = CliRun.run("show", "--root", dir.toString(), "01:00.0").out();
        for (String s : selectors) {
            assertEquals(want, CliRun.run("show", "--root", dir.toString(), s).out(), s);
        }
        assertTrue(want.contains("  topology path:    pci0000:00/1c.0/00.0\n"), want);
    }

    @Test
    void detachDryRunTakesAPathSelector() {
        SimulatedKernel kernel = new SimulatedKernel(dir);
        var saved = DetachCommandSupport.kernel;
        DetachCommandSupport.kernel = root -> kernel;
        try {
            CliRun byPath = CliRun.run("detach", "--root", dir.toString(), "--group", "--dry-run", "path:pci0000:00/1c.0/00.0");
            CliRun byAddress = CliRun.run("detach", "--root", dir.toString(), "--group", "--dry-run", "01:00.0");
            assertEquals(0, byPath.exitCode(), byPath.err());
            assertEquals(byAddress.out(), byPath.out());
        } finally {
            DetachCommandSupport.kernel = saved;
        }
    }

    @Test
    void anAmbiguousSelectorNamesTheCandidatesAndExits2() {
        CliRun r = CliRun.run("show", "--root", dir.toString(), "id:8086:10ca");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("id:8086:10ca matches 2 devices: 0000:02:10.0, 0000:02:10.2"), r.err());
        assertTrue(r.err().contains("id:8086:10ca#0"), r.err());
        assertEquals(0, CliRun.run("show", "--root", dir.toString(), "id:8086:10ca#1").exitCode());
        CliRun none = CliRun.run("show", "--root", dir.toString(), "path:pci0000:00/1d.0/00.0");
        assertEquals(3, none.exitCode(), none.err());
        assertTrue(none.err().contains("no PCI device matches path:pci0000:00/1d.0/00.0"), none.err());
        CliRun bad = CliRun.run("show", "--root", dir.toString(), "path:../../etc");
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().startsWith("hostdev: not a device path") && !bad.err().contains("Exception"), bad.err());
    }
}
