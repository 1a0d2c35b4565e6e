package dev.hostdev.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class CheckResultTest {
    @Test
    void warningOrFailureWithoutAFixIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> CheckResult.warn("iommu", "off", null));
        assertThrows(IllegalArgumentException.class, () -> CheckResult.fail("iommu", "off", " "));
    }

    @Test
    void idsAreLowerCaseWordsAndFoundIsRequired() {
        assertThrows(IllegalArgumentException.class, () -> CheckResult.ok("IOMMU", "on"));
        assertThrows(IllegalArgumentException.class, () -> CheckResult.ok("iommu check", "on"));
        assertThrows(IllegalArgumentException.class, () -> CheckResult.ok("iommu", ""));
    }

    @Test
    void reportCountsEveryStatusAndFailsOnlyOnFail() {
        DoctorReport warnOnly = new DoctorReport(List.of(CheckResult.ok("a", "x"), CheckResult.warn("b", "y", "z"),
                CheckResult.notApplicable("c", "w")));
        assertEquals(false, warnOnly.failed());
        assertEquals(1, warnOnly.summary().get("warn"));
        assertEquals(0, warnOnly.summary().get("fail"));
        DoctorReport failing = new DoctorReport(List.of(CheckResult.fail("a", "x", "y")));
        assertEquals(true, failing.failed());
    }
}
