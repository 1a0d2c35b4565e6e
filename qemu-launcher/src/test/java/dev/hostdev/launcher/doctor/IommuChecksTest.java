package dev.hostdev.launcher.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IommuChecksTest {
    @TempDir
    Path tmp;

    private FakeHost intelIommu(String ecap) {
        return new FakeHost(tmp)
                .file("/proc/cpuinfo", "vendor_id\t: GenuineIntel\nflags\t\t: vmx\n")
                .file("/proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 intel_iommu=on iommu=pt\n")
                .file("/sys/devices/virtual/iommu/dmar0/intel-iommu/ecap", ecap + "\n")
                .link("/sys/class/iommu/dmar0", "../../devices/virtual/iommu/dmar0")
                .dir("/sys/kernel/iommu_groups/0/devices")
                .dir("/sys/kernel/iommu_groups/1/devices");
    }

    @Test
    void unitsAndGroupsMeanTheIommuIsOn() {
        CheckResult r = new IommuCheck().run(intelIommu("f0205e").context());
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("dmar0 active with 2 groups"), r.found());
        assertTrue(r.found().contains("intel_iommu=on iommu=pt"), r.found());
    }

    @Test
    void withoutIommuPtTheFindingSaysItIsOptional() {
        FakeHost h = intelIommu("f0205e").file("/proc/cmdline", "intel_iommu=on\n");
        CheckResult r = new IommuCheck().run(h.context());
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("iommu=pt is not set"), r.found());
    }

    @Test
    void noIommuOnIntelFailsNamingIntelIommuOn() {
        FakeHost h = new FakeHost(tmp).file("/proc/cpuinfo", "vendor_id\t: GenuineIntel\n")
                .file("/proc/cmdline", "root=/dev/sda1 -- init-arg intel_iommu=on\n");
        CheckResult r = new IommuCheck().run(h.context());
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(r.found().contains("kernel parameters: none"), "what follows -- is init's: " + r.found());
        assertTrue(r.fix().contains("intel_iommu=on iommu=pt"), r.fix());
    }

    @Test
    void iommuSwitchedOffOnAmdSaysSo() {
        FakeHost h = new FakeHost(tmp).file("/proc/cpuinfo", "vendor_id\t: AuthenticAMD\n")
                .file("/proc/cmdline", "amd_iommu=off\n");
        CheckResult r = new IommuCheck().run(h.context());
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(r.found().startsWith("the IOMMU is switched off"), r.found());
        assertTrue(r.fix().contains("amd_iommu=on"), r.fix());
    }

    @Test
    void unitsWithoutGroupsFail() {
        FakeHost h = new FakeHost(tmp).dir("/sys/class/iommu/dmar0");
        CheckResult r = new IommuCheck().run(h.context());
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(r.found().contains("iommu_groups is empty"), r.found());
    }

    @Test
    void interruptRemappingIsNotApplicableWithoutIommu() {
        assertEquals(CheckStatus.NOT_APPLICABLE, new InterruptRemappingCheck().run(new FakeHost(tmp).context()).status());
    }

    @Test
    void remappedInterruptChipsMeanRemappingIsInUse() {
        FakeHost h = intelIommu("f0205e").file("/proc/interrupts",
                "           CPU0\n 24:          0   IR-PCI-MSI 327680-edge      xhci_hcd\n");
        CheckResult r = new InterruptRemappingCheck().run(h.context());
        assertEquals(CheckStatus.OK, r.status());
        assertTrue(r.found().contains("dmar0"), "0xf0205e has bit 3 set: " + r.found());
    }

    @Test
    void capableButUnusedFailsPointingAtIntremapOff() {
        FakeHost h = intelIommu("f0205e").file("/proc/interrupts", " 24: 0 PCI-MSI 327680-edge xhci_hcd\n");
        CheckResult r = new InterruptRemappingCheck().run(h.context());
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(r.found().contains("intremap=off"), r.found());
        assertTrue(r.fix().contains("allow_unsafe_interrupts=1"), r.fix());
    }

    @Test
    void unitWithoutTheIrBitFails() {
        FakeHost h = intelIommu("f02056");
        CheckResult r = new InterruptRemappingCheck().run(h.context());
        assertEquals(CheckStatus.FAIL, r.status());
        assertTrue(r.found().contains("without the IR capability (ecap bit 3): dmar0"), r.found());
    }

    @Test
    void unsafeInterruptsAllowedWarns() {
        FakeHost h = intelIommu("f02056")
                .file("/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "Y\n");
        CheckResult r = new InterruptRemappingCheck().run(h.context());
        assertEquals(CheckStatus.WARN, r.status());
        assertTrue(r.found().contains("allow_unsafe_interrupts=Y"), r.found());
    }

    @Test
    void underXenTheFixNamesNoIntremap() {
        FakeHost h = intelIommu("f02056").file("/sys/hypervisor/type", "xen\n");
        CheckResult ir = new InterruptRemappingCheck().run(h.context());
        assertEquals(CheckStatus.FAIL, ir.status());
        assertTrue(ir.fix().contains("iommu=no-intremap"), ir.fix());
        CheckResult xen = new XenCheck().run(h.context());
        assertEquals(CheckStatus.WARN, xen.status());
        assertTrue(xen.fix().contains("xen_commandline"), xen.fix());
    }

    @Test
    void procXenAloneMeansXen() {
        FakeHost h = new FakeHost(tmp).dir("/proc/xen");
        assertEquals(CheckStatus.WARN, new XenCheck().run(h.context()).status());
    }

    @Test
    void otherHypervisorIsNotXen() {
        FakeHost h = new FakeHost(tmp).file("/sys/hypervisor/type", "kvm\n");
        assertEquals(CheckStatus.NOT_APPLICABLE, new XenCheck().run(h.context()).status());
    }
}
