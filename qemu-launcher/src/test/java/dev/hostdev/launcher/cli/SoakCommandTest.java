package dev.hostdev.launcher.cli;

import static dev.hostdev.launcher.cli.JsonSchemas.assertValid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.launcher.soak.CycleResult;
import dev.hostdev.launcher.soak.MemorySample;
import dev.hostdev.launcher.soak.SoakFailure;
import dev.hostdev.launcher.soak.SoakReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hostdev soak's input checks and its JSON shape (a real soak on QEMU: SoakIntegrationTest, the lab: SoakInLabTest). */
class SoakCommandTest {
    @TempDir
    Path root;

    private CliRun hostdev(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--root", root.toString(), "--run-dir", root.resolve("vms").toString()));
        return CliRun.run(a.toArray(String[]::new));
    }

    @Test
    void badInputIsRefusedBeforeAnythingIsTouched() {
        CliRun none = hostdev("soak", "rig");
        assertEquals(2, none.exitCode());
        assertTrue(none.err().contains("name the devices to soak: DEV or --emulated MODEL"), none.err());
        CliRun noExchange = hostdev("soak", "rig", "--emulated", "e1000e", "--guest-check", "true");
        assertEquals(2, noExchange.exitCode());
        assertTrue(noExchange.err().contains("--guest-check needs --guest-exchange DIR"), noExchange.err());
        CliRun png = hostdev("soak", "rig", "--emulated", "e1000e", "--plot", "out.png");
        assertEquals(2, png.exitCode());
        assertTrue(png.err().contains("give a file name ending in .svg"), png.err());
        assertEquals(2, hostdev("soak", "rig", "--emulated", "e1000e", "--cycles", "0").exitCode());
        assertEquals(2, hostdev("soak", "rig", "--emulated", "e 1000").exitCode());
        CliRun ghost = hostdev("soak", "ghost", "--emulated", "e1000e", "--json");
        assertEquals(3, ghost.exitCode(), ghost.out() + ghost.err());
        assertValid("error", ghost.out(), "soak of an unknown VM");
    }

    @Test
    void theReportMatchesItsSchemaWithFailuresAndNothingMeasured() {
        SoakFailure f = new SoakFailure(3, SoakFailure.Phase.UNPLUG, "soak1", ErrorCode.TIMEOUT, "no guest acknowledged", null);
        List<CycleResult> cycles = List.of(
                new CycleResult(1, List.of(30_000_000L), null, List.of(50_000_000L), 90_000_000L, null),
                new CycleResult(2, List.of(31_000_000L), null, List.of(51_000_000L), 91_000_000L, null),
                new CycleResult(3, List.of(32_000_000L), null, List.of(), 8_100_000_000L, f));
        SoakReport stopped = new SoakReport("rig", List.of("e1000e"), List.of("soak1"), 10, cycles, null, 0,
                new MemorySample(80_000L, null), new MemorySample(81_000L, null), 8_300_000_000L);
        String line = SoakJson.report(stopped, null) + "\n";
        assertValid("soak", line, "a soak stopped at cycle 3");
        assertTrue(line.contains("\"stopped_at\":{\"cycle\":3,\"phase\":\"unplug\",\"device\":\"soak1\",\"code\":\"timeout\",\"exit\":10"), line);
        assertTrue(line.contains("\"del\":{\"count\":2,\"p50\":50.0,\"p90\":51.0,\"p99\":51.0,\"max\":51.0}"), line);
        assertTrue(line.contains("\"guest_visible\":null"), line);
        assertTrue(line.contains("\"qemu\":{\"start\":null,\"end\":null}"), line);
        SoakReport allRun = new SoakReport("rig", List.of("e1000e"), List.of("soak1"), 3, cycles, "true", 2,
                new MemorySample(1L, 2L), new MemorySample(1L, 2L), 1);
        String kept = SoakJson.report(allRun, Path.of("/tmp/p.svg")) + "\n";
        assertValid("soak", kept, "a soak that ran every cycle");
        assertTrue(kept.contains("\"stopped_at\":null") && kept.contains("\"failed\":1"), kept);
    }
}
