package dev.hostdev.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.testing.NumaHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlacementCheckTest {
    @TempDir
    Path dir;

    private CheckResult check(SysfsTree t, String placement) throws Exception {
        Path spec = dir.resolve("perf.toml");
        Files.writeString(spec, "name = \"perf\"\nmemory = \"4G\"\ncpus = 4\n[[hostdev]]\npci = \"" + NumaHosts.NIC_NODE1 + "\"\n" + placement);
        return new PlacementCheck().run(DoctorContext.of(t.hostRoot()).withSpec(SpecFacts.read(spec)));
    }

    @Test
    void achievableOkShortOfHugepagesFailsTooFewCoresFails() throws Exception {
        SysfsTree t = NumaHosts.twoSocket(dir.resolve("host"), 4);
        CheckResult ok = check(t, "[placement]\nnuma = \"device\"\nvcpu_pin = \"auto\"\n");
        assertEquals(CheckStatus.OK, ok.status(), ok.toString());
        assertTrue(ok.found().contains("vcpu 0 -> host CPU 6"), ok.found());
        CheckResult pages = check(t, "[placement]\nhugepages = \"2M\"\n");
        assertEquals(CheckStatus.FAIL, pages.status());
        assertTrue(pages.found().contains("2048: 1536 missing"), pages.found());
        CheckResult offline = check(t, "[placement]\nvcpu_pin = \"6,14,40,41\"\n");
        assertEquals(CheckStatus.FAIL, offline.status(), offline.toString());
        assertTrue(offline.found().endsWith("vcpu_pin names CPUs 40-41, which this host does not have online (online: 0-15)"), offline.found());
    }

    @Test
    void noPlacementIsNotApplicable() throws Exception {
        SysfsTree t = NumaHosts.twoSocket(dir.resolve("host"), 4);
        assertEquals(CheckStatus.NOT_APPLICABLE, check(t, "").status());
    }
}
