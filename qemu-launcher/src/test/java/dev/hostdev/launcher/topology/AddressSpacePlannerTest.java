package dev.hostdev.launcher.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.spec.Specs;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The 64-bit PCI hole sized from real BARs on generated sysfs trees: a 16 GiB and a 256 GiB BAR GPU. */
class AddressSpacePlannerTest {
    static final long G = 1L << 30;
    static final String GPU16 = "0000:65:00.0";
    static final String GPU256 = "0000:b3:00.0";

    @TempDir
    Path root;
    SysfsPciFacts facts;

    @BeforeEach
    void gpus() {
        SysfsTree tree = SysfsTree.create(root);
        BigBarGpus.add(tree, GPU16, 16 * G, true);
        BigBarGpus.add(tree, GPU256, 256 * G, false);
        facts = new SysfsPciFacts(tree.sysfs());
    }

    static LaunchOptions tcg() {
        return new LaunchOptions(Path.of("/run/hostdev/vms"), false, Set.of(), false);
    }

    static LaunchOptions kvmOnHostWith(int bits) {
        return tcg().withHostPhysBits(bits);
    }

    LaunchPlan plan(String spec, LaunchOptions options) {
        return LaunchPlanner.plan(Specs.parse("name = \"vm\"\n" + spec), facts, options);
    }

    static int indexOf(List<String> argv, String value) {
        return argv.indexOf(value);
    }

    @Test
    void barsAreReadOneByOneFromResource() {
        BarSizes b = facts.barSizes(dev.hostdev.engine.pci.PciAddress.parse(GPU256)).orElseThrow();
        assertEquals(List.of(256 * G, 32L << 20), b.pref64Bars());
        assertEquals("256G + 32M", b.describePref64());
        assertEquals((16L << 20) + BigBarGpus.ROM_SIZE, b.mem(), "BAR0 and the ROM go in the 32-bit window");
    }

    @Test
    void aSixteenGigabyteBarFitsQemusDefaultHoleButTheHoleIsStillSaid() {
        LaunchPlan p = plan("accel = \"tcg\"\n[[hostdev]]\nid = \"gpu\"\npci = \"" + GPU16 + "\"\n", tcg());
        AddressSpacePlan a = p.addressSpace();
        assertEquals(List.of(new Pref64Window("hostdev gpu (" + GPU16 + ") 64-bit prefetchable BARs 16G + 32M", 16 * G + (32 << 20), 32 * G)),
                a.windows(), "16G + 32M rounds up to a 32G window");
        assertEquals(4 * G, a.holeStart(), "1G of RAM: all below 4G, so the hole starts at 4G");
        assertEquals(32 * G, a.holeSize(), "QEMU's default is enough");
        assertEquals(32 * G, a.alignment());
        assertEquals(64 * G, a.end(), "aligned to 32G, 32G long");
        assertTrue(a.fits(), "40 bits under TCG: 1T");
        List<String> argv = p.argv();
        assertEquals("q35-pcihost.pci-hole64-size=" + 32 * G, argv.get(indexOf(argv, "-global") + 1));
        assertFalse(argv.contains("-fw_cfg"), "SeaBIOS: no OVMF fw_cfg");
        assertFalse(argv.contains("-cpu"), "TCG keeps its CPU model when the width is not asked for");
    }

    @Test
    void aTwoHundredFiftySixGigabyteBarAndAHotplugPortSizedForTheOtherGpu() {
        LaunchPlan p = plan("accel = \"tcg\"\nmemory = \"8G\"\nphys_bits = 41\n[[hostdev]]\nid = \"big\"\npci = \"" + GPU256
                + "\"\n[[hotplug]]\npci = \"" + GPU16 + "\"\n", tcg());
        AddressSpacePlan a = p.addressSpace();
        assertEquals(List.of(512 * G, 32 * G), a.windows().stream().map(Pref64Window::bytes).toList(),
                "256G + 32M -> 512G; the hotplug port's pref64-reserve 32G");
        assertEquals(2 * G, a.belowFourG());
        assertEquals(6 * G, a.aboveFourG());
        assertEquals(10 * G, a.holeStart(), "4G + 6G of RAM above 4G");
        assertEquals(544 * G, a.holeSize(), "512G + 32G");
        assertEquals(512 * G, a.alignment(), "the largest power of two not above 544G");
        assertEquals(512 * G + 544 * G, a.end());
        assertTrue(a.fits(), "1056G is within 41 bits (2T)");
        HostdevException e = assertThrows(HostdevException.class, () -> plan("accel = \"tcg\"\nmemory = \"8G\"\n[[hostdev]]\nid = \"big\"\npci = \""
                + GPU256 + "\"\n[[hotplug]]\npci = \"" + GPU16 + "\"\n", tcg()));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.getMessage().contains("hostdev big (" + GPU256 + ") 64-bit prefetchable BARs 256G + 32M (window 512G)"), e.getMessage());
        assertTrue(e.getMessage().contains("hotplug port pci.2 pref64-reserve 32G (sized for " + GPU16 + ")"), e.getMessage());
        assertTrue(e.getMessage().contains("40-bit limit"), e.getMessage());
        assertEquals("set phys_bits = 41 in the spec (the least that fits), or give the VM fewer or smaller devices", e.hint());
    }

    @Test
    void physBitsRaiseTheLimitAndOvmfGetsTheHoleInMebibytes() {
        LaunchPlan p = plan("accel = \"tcg\"\nmemory = \"8G\"\nfirmware = \"ovmf\"\nphys_bits = 41\n[[hostdev]]\nid = \"big\"\npci = \""
                + GPU256 + "\"\n[[hotplug]]\npci = \"" + GPU16 + "\"\n", tcg());
        List<String> argv = p.argv();
        assertTrue(p.addressSpace().fits());
        assertEquals("qemu64,phys-bits=41", argv.get(indexOf(argv, "-cpu") + 1));
        assertEquals("q35-pcihost.pci-hole64-size=" + 544 * G, argv.get(indexOf(argv, "-global") + 1));
        assertEquals("name=opt/ovmf/X-PciMmio64Mb,string=" + 544 * 1024, argv.get(indexOf(argv, "-fw_cfg") + 1));
        assertEquals("/usr/share/qemu/OVMF.fd", argv.get(indexOf(argv, "-bios") + 1));
        assertEquals("pcie-root-port,port=0x9,chassis=2,id=pci.2,bus=pcie.0,addr=0x1.0x1,mem-reserve=" + (32 << 20) + ",pref64-reserve=" + 32 * G,
                argv.stream().filter(s -> s.contains("id=pci.2")).findFirst().orElseThrow());
    }

    @Test
    void underKvmTheHostsAddressWidthIsTheLimit() {
        String spec = "accel = \"kvm\"\n[[hostdev]]\nid = \"big\"\npci = \"" + GPU256 + "\"\n";
        LaunchPlan ok = plan(spec, kvmOnHostWith(46));
        assertEquals("host,host-phys-bits=on", ok.argv().get(indexOf(ok.argv(), "-cpu") + 1));
        assertEquals(46, ok.addressSpace().physBits().bits().getAsInt());
        HostdevException e = assertThrows(HostdevException.class, () -> plan(spec, kvmOnHostWith(39)));
        assertEquals(ErrorCode.ENVIRONMENT, e.code(), "the host's CPU is the limit: " + e.getMessage());
        assertTrue(e.getMessage().contains("256G + 32M") && e.getMessage().contains("39-bit limit 0x8000000000"), e.getMessage());
        assertTrue(e.hint().contains("at least 40 address bits"), e.hint());
        HostdevException more = assertThrows(HostdevException.class, () -> plan("phys_bits = 48\n" + spec, kvmOnHostWith(46)));
        assertTrue(more.getMessage().contains("more than this host's CPU has (46 bits"), more.getMessage());
    }

    @Test
    void aVmWithoutBigBarsKeepsQemusDefaultsAndCommandLine() {
        LaunchPlan p = plan("accel = \"tcg\"\nspare_root_ports = 2\n", tcg());
        assertFalse(p.addressSpace().explicit());
        assertFalse(p.argv().contains("-global"));
        assertEquals(36 * G, p.addressSpace().end(), "4G + QEMU's 32G");
        assertTrue(p.addressSpace().explain().get(0).contains("(QEMU's default, not set)"), p.addressSpace().explain().toString());
    }

    @Test
    void anIvshmemMemoryBackendIsAWindowToo() {
        LaunchPlan p = plan("accel = \"tcg\"\n[[device]]\nid = \"shm\"\nmodel = \"ivshmem-plain\"\nmemory = \"4G\"\n", tcg());
        List<String> argv = p.argv();
        assertEquals("memory-backend-ram,id=mem-shm,size=" + 4 * G, argv.get(indexOf(argv, "-object") + 1));
        assertTrue(indexOf(argv, "-object") < indexOf(argv, "-device"), "the backend before the device that names it");
        assertTrue(argv.contains("ivshmem-plain,memdev=mem-shm,id=shm,bus=pci.1,addr=0x0"), argv.toString());
        assertEquals(List.of(new Pref64Window("device shm (ivshmem-plain) memory BAR 4G", 4 * G, 4 * G)), p.addressSpace().windows());
    }

    @Test
    void theArithmeticIsInTheJson() {
        var json = plan("accel = \"tcg\"\n[[hostdev]]\nid = \"gpu\"\npci = \"" + GPU16 + "\"\n", tcg()).toJson().path("address_space");
        assertEquals(32 * G, json.path("pci_hole64_size").asLong());
        assertTrue(json.path("pci_hole64_set").asBoolean());
        assertEquals(40, json.path("phys_bits").asInt());
        assertEquals(16 * G + (32 << 20), json.path("windows").path(0).path("bars").asLong());
        assertTrue(json.path("fits").asBoolean());
    }
}
