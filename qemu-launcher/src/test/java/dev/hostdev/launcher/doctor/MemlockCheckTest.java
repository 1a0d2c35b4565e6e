package dev.hostdev.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemlockCheckTest {
    private static final String NO_CAPS = "Name:\tjava\nCapEff:\t0000000000000000\n";
    private static final String ROOT_CAPS = "Name:\tjava\nCapEff:\t000001ffffffffff\n";

    @TempDir
    Path tmp;

    private FakeHost host(String limit, String status) {
        return new FakeHost(tmp)
                .file("/proc/self/limits", "Limit                     Soft Limit           Hard Limit           Units\n"
                        + "Max locked memory         " + limit + "              " + limit + "              bytes\n")
                .file("/proc/self/status", status);
    }

    private SpecFacts spec(String toml) throws IOException {
        Path f = tmp.resolve("vm.toml");
        Files.writeString(f, toml);
        return SpecFacts.read(f);
    }

    @Test
    void capIpcLockMakesTheLimitIrrelevant() {
        CheckResult r = new MemlockCheck().run(host("8388608", ROOT_CAPS).context());
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("8 MiB") && r.found().contains("CAP_IPC_LOCK"), r.found());
    }

    @Test
    void smallLimitWithoutSpecWarns() {
        CheckResult r = new MemlockCheck().run(host("65536", NO_CAPS).context());
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("64 KiB") && r.found().contains("--spec"), r.found());
        assertTrue(r.fix().contains("LimitMEMLOCK=infinity"), r.fix());
    }

    @Test
    void unlimitedIsOk() {
        assertEquals(CheckStatus.OK, new MemlockCheck().run(host("unlimited", NO_CAPS).context()).status());
    }

    @Test
    void limitBelowGuestMemoryFails() throws IOException {
        DoctorContext c = host(Long.toString(2L << 30), NO_CAPS).context().withSpec(spec("name = \"vm\"\nmemory = \"2G\"\n"));
        CheckResult r = new MemlockCheck().run(c);
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(r.found().contains("needs at least 3 GiB (guest RAM 2 GiB + 1 GiB)"), r.found());
    }

    @Test
    void limitAboveGuestMemoryIsOk() throws IOException {
        DoctorContext c = host(Long.toString(4L << 30), NO_CAPS).context().withSpec(spec("name = \"vm\"\nmemory = \"2048M\"\n"));
        assertEquals(CheckStatus.OK, new MemlockCheck().run(c).status());
    }

    @Test
    void guestIommuWarnsEvenWhenRamFits() throws IOException {
        DoctorContext c = host(Long.toString(4L << 30), NO_CAPS).context()
                .withSpec(spec("name = \"vm\"\nmemory = \"1G\"\niommu = \"intel\"\n"));
        CheckResult r = new MemlockCheck().run(c);
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("multiple of guest RAM"), r.found());
    }

    @Test
    void rootUserGivenWithUserIsOk() {
        DoctorContext c = host("65536", NO_CAPS).context().withUser(new HostUser("root", 0, Set.of(0)));
        assertEquals(CheckStatus.OK, new MemlockCheck().run(c).status());
    }

    @Test
    void unreadableLimitsWarn() {
        assertEquals(CheckStatus.WARN, new MemlockCheck().run(new FakeHost(tmp).context()).status());
    }

    @Test
    void specWithoutIommuHasNone() throws IOException {
        assertFalse(spec("name = \"vm\"\nmemory = \"1G\"\n").guestIommu());
        assertTrue(spec("name = \"vm\"\nmemory = \"1G\"\niommu = \"intel\"\n").guestIommu());
        assertEquals(1L << 30, spec("name = \"vm\"\nmemory = \"1G\"\n").memoryBytes());
    }

    @Test
    void specErrorsAreUserErrors() throws IOException {
        HostdevException missing = assertThrows(HostdevException.class, () -> SpecFacts.read(tmp.resolve("none.toml")));
        assertEquals("not_found", missing.code().jsonName());
        HostdevException bad = assertThrows(HostdevException.class, () -> spec("name = \"vm\"\nmemory = [\n"));
        assertEquals("usage", bad.code().jsonName());
    }
}
