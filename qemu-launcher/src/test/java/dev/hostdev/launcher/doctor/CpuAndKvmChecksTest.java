package dev.hostdev.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuAndKvmChecksTest {
    @TempDir
    Path tmp;

    @AfterEach
    void removeLinksOutOfTheTree() {
        FakeHost.removeOutwardLinks(tmp);
    }

    private static String cpuinfo(String vendor, String flags) {
        return "processor\t: 0\nvendor_id\t: " + vendor + "\nflags\t\t: " + flags + "\n\nprocessor\t: 1\n";
    }

    @Test
    void vmxIsOk() {
        FakeHost h = new FakeHost(tmp).file("/proc/cpuinfo", cpuinfo("GenuineIntel", "fpu vmx sse2"));
        CheckResult r = new CpuVirtualizationCheck().run(h.context());
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("vmx"), r.found());
    }

    @Test
    void svmIsOk() {
        FakeHost h = new FakeHost(tmp).file("/proc/cpuinfo", cpuinfo("AuthenticAMD", "fpu svm"));
        assertEquals(CheckStatus.OK, new CpuVirtualizationCheck().run(h.context()).status());
    }

    @Test
    void noFlagInAGuestWarnsAboutNestedVirtualization() {
        FakeHost h = new FakeHost(tmp).file("/proc/cpuinfo", cpuinfo("AuthenticAMD", "fpu hypervisor"));
        CheckResult r = new CpuVirtualizationCheck().run(h.context());
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.fix().contains("nested"), r.fix());
    }

    @Test
    void noFlagButAKvmDeviceIsOk() {
        FakeHost h = new FakeHost(tmp).file("/proc/cpuinfo", cpuinfo("AuthenticAMD", "fpu hypervisor"))
                .charDevice("/dev/kvm");
        CheckResult r = new CpuVirtualizationCheck().run(h.context());
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("but /dev/kvm exists"), r.found());
    }

    @Test
    void noFlagOnBareMetalPointsAtTheFirmware() {
        FakeHost h = new FakeHost(tmp).file("/proc/cpuinfo", cpuinfo("GenuineIntel", "fpu"));
        CheckResult r = new CpuVirtualizationCheck().run(h.context());
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.fix().contains("firmware"), r.fix());
    }

    @Test
    void unreadableCpuinfoWarns() {
        assertEquals(CheckStatus.WARN, new CpuVirtualizationCheck().run(new FakeHost(tmp).context()).status());
    }

    @Test
    void kvmNodePresentIsOk() {
        FakeHost h = new FakeHost(tmp).charDevice("/dev/kvm").dir("/sys/module/kvm_intel").dir("/sys/module/kvm");
        CheckResult r = new KvmCheck().run(h.context());
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("kvm, kvm_intel"), r.found());
    }

    @Test
    void kvmNodeMissingWarnsWithTheVendorsModule() {
        FakeHost h = new FakeHost(tmp).file("/proc/cpuinfo", cpuinfo("AuthenticAMD", "svm"));
        CheckResult r = new KvmCheck().run(h.context());
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.fix().contains("kvm_amd"), r.fix());
    }

    @Test
    void kvmRegularFileWarns() {
        FakeHost h = new FakeHost(tmp).file("/dev/kvm", "");
        CheckResult r = new KvmCheck().run(h.context());
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("not a character device"), r.found());
    }
}
