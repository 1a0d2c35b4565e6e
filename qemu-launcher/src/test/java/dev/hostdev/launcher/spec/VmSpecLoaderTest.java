package dev.hostdev.launcher.spec;

import static dev.hostdev.launcher.spec.Specs.error;
import static dev.hostdev.launcher.spec.Specs.parse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.pci.PciAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmSpecLoaderTest {

    @Test
    void readsEveryKey() {
        VmSpec s = parse("""
                name = "lab"
                memory = "2G"
                cpus = 4
                accel = "tcg"
                emulator = "/opt/qemu/bin/qemu-system-x86_64"
                spare_root_ports = 3
                iommu = "intel"
                kernel = "vmlinuz"
                initrd = "/boot/initrd.img"
                append = "console=ttyS0"
                serial = "logs/serial.log"
                legacy_hotplug = true

                [[disk]]
                path = "root.qcow2"
                format = "qcow2"
                readonly = true

                [[share]]
                path = "/"
                tag = "hostroot"
                readonly = true

                [[hostdev]]
                pci = "pci_0000_03_07_0"
                expect = "8086:1572:8086:0008"
                legacy = true

                [[hostdev]]
                pci = "04:00.0"
                managed = false
                id = "gpu"

                [[hostdev]]
                usb = "046d:c52b"
                startup = "optional"

                [[hostdev]]
                usb = "1-2.3"

                [[hotplug]]
                pci = "65:00.0"

                [[hotplug]]
                size = "16G"

                [[device]]
                model = "e1000"
                props = { mac = "52:54:00:12:34:56", x-flag = true, speed = 1000 }

                [[device]]
                model = "usb-kbd"
                """);
        assertEquals("lab", s.name());
        assertEquals(2L << 30, s.memory().bytes());
        assertEquals(4, s.cpus());
        assertEquals(Accel.TCG, s.accel());
        assertEquals(Optional.of(Path.of("/opt/qemu/bin/qemu-system-x86_64")), s.emulator());
        assertEquals(3, s.spareRootPorts());
        assertEquals(Iommu.INTEL, s.iommu());
        KernelBoot k = s.kernel().orElseThrow();
        assertEquals(Path.of("/specs/vmlinuz"), k.kernel(), "relative paths are relative to the spec's directory");
        assertEquals(Optional.of("console=ttyS0"), k.append());
        assertEquals(new SerialSpec.ToFile(Path.of("/specs/logs/serial.log")), s.serial());
        assertTrue(s.legacyHotplug());
        assertEquals(List.of(new DiskSpec("disk0", Path.of("/specs/root.qcow2"), "qcow2", true)), s.disks());
        assertEquals(List.of(new ShareSpec("fs0", Path.of("/"), "hostroot", true)), s.shares());

        HostdevSpec h0 = s.hostdevs().get(0);
        assertEquals("hostdev0", h0.id());
        assertEquals(Optional.of(PciAddress.parse("0000:03:07.0")), h0.pci());
        assertTrue(h0.managed(), "managed is the default, as in libvirt");
        assertTrue(h0.legacy());
        assertEquals("8086:1572:8086:0008", h0.expect().orElseThrow().toString());
        HostdevSpec h1 = s.hostdevs().get(1);
        assertEquals("gpu", h1.id());
        assertFalse(h1.managed());
        HostdevSpec h2 = s.hostdevs().get(2);
        assertEquals("hostdev2", h2.id());
        assertEquals(DeviceRef.parse("046d:c52b"), h2.usb().orElseThrow());
        assertEquals(StartupPolicy.OPTIONAL, h2.startup());
        assertEquals(DeviceRef.parse("1-2.3"), s.hostdevs().get(3).usb().orElseThrow());
        assertEquals(StartupPolicy.MANDATORY, s.hostdevs().get(3).startup());

        assertEquals(List.of(new HotplugSpec(Optional.of(PciAddress.parse("65:00.0")), Optional.empty()),
                new HotplugSpec(Optional.empty(), Optional.of(MemorySize.parse("16G")))), s.hotplug());
        EmulatedDeviceSpec e1000 = s.devices().get(0);
        assertEquals("e1000-0", e1000.id());
        assertEquals(DeviceBus.BRIDGE, e1000.bus(), "e1000 is conventional PCI: behind the bridge by default");
        assertEquals(Map.of("mac", "52:54:00:12:34:56", "x-flag", true, "speed", 1000L), e1000.props());
        assertEquals(List.of("mac", "x-flag", "speed"), List.copyOf(e1000.props().keySet()), "file order kept");
        assertEquals("usb-kbd0", s.devices().get(1).id());
        assertEquals(DeviceBus.XHCI, s.devices().get(1).bus());
    }

    @Test
    void defaultsOfAMinimalSpec() {
        VmSpec s = parse("name = \"tiny\"\n");
        assertEquals(1L << 30, s.memory().bytes());
        assertEquals(1, s.cpus());
        assertEquals(Accel.AUTO, s.accel());
        assertEquals(Iommu.NONE, s.iommu());
        assertEquals(new SerialSpec.None(), s.serial());
        assertTrue(s.kernel().isEmpty());
        assertTrue(s.hostdevs().isEmpty());
    }

    @Test
    void aBareEmulatorNameIsLookedUpOnPath() {
        assertEquals(Optional.of(Path.of("qemu-system-x86_64")), parse("name = \"x\"\nemulator = \"qemu-system-x86_64\"\n").emulator());
        assertEquals(Optional.of(Path.of("/specs/bin/qemu")), parse("name = \"x\"\nemulator = \"bin/qemu\"\n").emulator());
    }

    @Test
    void generatedIdsSkipIdsTheFileGives() {
        VmSpec s = parse("""
                name = "x"
                [[device]]
                model = "e1000e"
                [[device]]
                model = "e1000e"
                id = "e1000e0"
                [[hostdev]]
                usb = "1-1"
                id = "hostdev1"
                [[hostdev]]
                usb = "1-2"
                """);
        assertEquals("e1000e1", s.devices().get(0).id());
        assertEquals("e1000e0", s.devices().get(1).id());
        assertEquals("hostdev2", s.hostdevs().get(1).id());
    }

    @Test
    void loadsAFileAndResolvesPathsAgainstItsDirectory(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("vm.toml");
        Files.writeString(file, "name = \"f\"\n[[disk]]\npath = \"d.img\"\n");
        VmSpec s = VmSpecLoader.load(file);
        assertEquals(dir.toAbsolutePath().resolve("d.img"), s.disks().get(0).path());
    }

    @Test
    void missingFileIsNotFound(@TempDir Path dir) {
        HostdevException e = org.junit.jupiter.api.Assertions.assertThrows(HostdevException.class,
                () -> VmSpecLoader.load(dir.resolve("nope.toml")));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }

    // ---- errors: each names file:line and the key ----

    private static void assertError(String text, String expectedStart, String hintPart) {
        HostdevException e = error(text);
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.getMessage().startsWith(expectedStart), "message: " + e.getMessage());
        if (hintPart != null) {
            assertTrue(e.hint() != null && e.hint().contains(hintPart), "hint: " + e.hint());
        }
    }

    @Test
    void sizesBeyondWhatAnX8664GuestCanAddressAreRefused() {
        assertError("name = \"x\"\nmemory = \"999999T\"\n", "vm.toml:2: memory is 999999T, more than an x86-64 guest can address", "memory = ");
        assertError("name = \"x\"\n[[hotplug]]\nsize = \"999999T\"\n", "vm.toml:3: hotplug[0].size is 999999T, more than an x86-64 guest can address",
                "size = ");
        assertEquals(4096L << 40, VmSpecLoader.parse("name = \"x\"\n[[hotplug]]\nsize = \"4096T\"\n", "vm.toml", Path.of("/"))
                .hotplug().get(0).size().orElseThrow().bytes(), "the limit itself is accepted");
    }

    @Test
    void unknownTopLevelKey() {
        assertError("name = \"x\"\n\nmemroy = \"2G\"\n", "vm.toml:3: memroy is not a known key", "memory");
    }

    @Test
    void typosGetASuggestion() {
        HostdevException e = error("name = \"x\"\nmemroy = \"2G\"\n");
        assertTrue(e.hint().startsWith("did you mean 'memory'? known keys here: name, memory,"), e.hint());
        HostdevException far = error("name = \"x\"\ncolour = \"blue\"\n");
        assertTrue(far.hint().startsWith("known keys here: "), far.hint());
    }

    @Test
    void aTopLevelKeyBelowASectionSaysWhereItBelongs() {
        HostdevException e = error("name = \"x\"\n[[hotplug]]\nsize = \"16G\"\n\nspare_root_ports = 2\n");
        assertEquals("vm.toml:5: hotplug[0].spare_root_ports is not a known key of hotplug", e.getMessage());
        assertTrue(e.hint().contains("move it above the first [[…]] section"), e.hint());
    }

    @Test
    void unknownKeyInAnArrayOfTables() {
        assertError("""
                name = "x"
                [[hostdev]]
                pci = "03:00.0"

                [[hostdev]]
                pci = "03:00.1"
                managd = true
                """, "vm.toml:7: hostdev[1].managd is not a known key of hostdev", "managed");
    }

    @Test
    void wrongTypes() {
        assertError("name = \"x\"\ncpus = \"2\"\n", "vm.toml:2: cpus must be a whole number, not the string \"2\"", null);
        assertError("name = \"x\"\nmemory = 2048\n", "vm.toml:2: memory must be a string, not the number 2048", "quotes");
        assertError("name = \"x\"\n[[hostdev]]\npci = \"03:00.0\"\nmanaged = \"yes\"\n",
                "vm.toml:4: hostdev[0].managed must be true or false, not the string \"yes\"", "no quotes");
        assertError("name = \"x\"\nhostdev = 3\n", "vm.toml:2: hostdev must be an array of tables", null);
        assertError("name = 7\n", "vm.toml:1: name must be a string", null);
    }

    @Test
    void impossibleValues() {
        assertError("name = \"x\"\nmemory = \"lots\"\n", "vm.toml:2: memory: not a size: 'lots'", "512M");
        assertError("name = \"x\"\nmemory = \"1K\"\n", "vm.toml:2: memory must be a whole number of MiB and at least 16M", null);
        assertError("name = \"x\"\ncpus = 0\n", "vm.toml:2: cpus must be between 1 and 288, not 0", null);
        assertError("name = \"x\"\ncpus = 256\n", "vm.toml:2: cpus above 255 needs interrupt remapping for x2APIC", "iommu = \"intel\"");
        assertEquals(256, parse("name = \"x\"\ncpus = 256\niommu = \"intel\"\n").cpus());
        assertError("name = \"x\"\naccel = \"tcg\"\ncpus = 256\niommu = \"intel\"\n", "vm.toml:3: cpus above 255 needs KVM", "kvm");
        assertError("name = \"x\"\nspare_root_ports = -1\n", "vm.toml:2: spare_root_ports must be between 0 and 240", null);
        assertError("name = \"x\"\naccel = \"hvf\"\n", "vm.toml:2: accel: 'hvf' is not one of tcg, kvm or auto", null);
        assertError("name = \"a/b\"\n", "vm.toml:1: name 'a/b' is not a usable VM name", null);
        assertError("cpus = 1\n", "vm.toml: 'name' is missing", "name = ");
    }

    @Test
    void badPciAddressNamesTheLine() {
        assertError("name = \"x\"\n\n[[hostdev]]\npci = \"03:07\"\n",
                "vm.toml:4: hostdev[0].pci: not a PCI address: '03:07'", "0000:03:07.0");
    }

    @Test
    void sameDeviceTwiceInAnySpelling() {
        assertError("""
                name = "x"
                [[hostdev]]
                pci = "03:00.0"
                [[hostdev]]
                pci = "pci_0000_03_00_0"
                """, "vm.toml:5: hostdev[1].pci names 0000:03:00.0, which hostdev[0] already gives to this VM", "once");
        assertError("name = \"x\"\n[[hostdev]]\nusb = \"046d:c52b\"\n[[hostdev]]\nusb = \"046D:C52B\"\n",
                "vm.toml:5: hostdev[1].usb names 046d:c52b", null);
    }

    @Test
    void hostdevMistakes() {
        assertError("name = \"x\"\n[[hostdev]]\nmanaged = true\n", "vm.toml:2: hostdev[0]: names no device", "usb =");
        assertError("name = \"x\"\n[[hostdev]]\npci = \"03:00.0\"\nusb = \"1-1\"\n", "vm.toml:2: hostdev[0]: names the device twice (pci and usb)", null);
        assertError("name = \"x\"\n[[hostdev]]\nusb = \"1-1\"\nmanaged = true\n", "vm.toml:4: hostdev[0].managed applies to PCI hostdevs only", null);
        assertError("name = \"x\"\n[[hostdev]]\npci = \"03:00.0\"\nstartup = \"optional\"\n",
                "vm.toml:4: hostdev[0].startup applies to USB hostdevs only", null);
        assertError("name = \"x\"\n[[hostdev]]\nusb = \"003:005\"\n", "vm.toml:3: hostdev[0].usb: not a USB device", "changes at every plug");
        assertError("name = \"x\"\n[[hostdev]]\npci = \"03:00.0\"\nexpect = \"8086\"\n", "vm.toml:4: hostdev[0].expect: not a device identity", null);
        assertError("name = \"x\"\n[[hostdev]]\nusb = \"1-1\"\nstartup = \"sometimes\"\n",
                "vm.toml:4: hostdev[0].startup: 'sometimes' is not one of mandatory, requisite or optional", null);
    }

    @Test
    void idMistakes() {
        assertError("name = \"x\"\n[[device]]\nmodel = \"e1000e\"\nid = \"a\"\n[[hostdev]]\nusb = \"1-1\"\nid = \"a\"\n",
                "vm.toml:4: device[0].id 'a' is already the id of another device", null);
        assertError("name = \"x\"\n[[device]]\nmodel = \"e1000e\"\nid = \"pci.1\"\n", "vm.toml:4: device[0].id 'pci.1' is not a usable device id", null);
        assertError("name = \"x\"\n[[device]]\nmodel = \"e1000e\"\nid = \"usb\"\n", "vm.toml:4: device[0].id 'usb' is an id Hostdev gives", null);
    }

    @Test
    void deviceMistakes() {
        assertError("name = \"x\"\n[[device]]\nmodel = \"vfio-pci\"\n", "vm.toml:3: device[0].model 'vfio-pci' is not an emulated device", "[[hostdev]]");
        assertError("name = \"x\"\n[[device]]\nmodel = \"usb-kbd\"\nbus = \"root-port\"\n", "vm.toml:4: device[0].bus of a USB device must be xhci", null);
        assertError("name = \"x\"\n[[device]]\nmodel = \"e1000e\"\nbus = \"pcie\"\n", "vm.toml:4: device[0].bus: 'pcie' is not one of root-port, bridge, xhci or none", null);
        assertError("name = \"x\"\n[[device]]\nmodel = \"e1000e\"\nprops = { bus = \"pcie.0\" }\n", "vm.toml:4: device[0].props.bus is set by Hostdev's plan", null);
        assertError("name = \"x\"\n[[device]]\nmodel = \"e1000e\"\n[device.props]\nspeed = 1.5\n",
                "vm.toml:5: device[0].props.speed must be a string, a whole number or a boolean, not the decimal 1.5", null);
        assertError("name = \"x\"\n[[device]]\nid = \"n\"\n", "vm.toml:2: device[0]: 'model' is missing", "model = ");
        assertError("name = \"x\"\n[[device]]\nmodel = \"e1000e\"\ndrive = \"d.img\"\n",
                "vm.toml:4: device[0].drive applies to block devices (nvme, usb-storage, virtio-blk-pci), not e1000e", null);
    }

    @Test
    void otherMistakes() {
        assertError("name = \"x\"\nappend = \"quiet\"\n", "vm.toml:2: append needs a kernel", "kernel =");
        assertError("name = \"x\"\n[[share]]\npath = \"/\"\ntag = \"bad tag\"\n", "vm.toml:4: share[0].tag bad mount tag", null);
        assertError("name = \"x\"\n[[disk]]\npath = \"a\"\nformat = \"vmdk\"\n", "vm.toml:4: disk[0].format must be raw or qcow2", null);
        assertError("name = \"x\"\n[[hotplug]]\n", "vm.toml:2: hotplug[0]: needs pci or size", "16G");
        assertError("name = \"x\"\n[[hostdev]]\npci = \"65:00.0\"\n[[hotplug]]\npci = \"0000:65:00.0\"\n",
                "vm.toml:5: hotplug[0].pci names 0000:65:00.0, which hostdev[0] already gives", null);
        assertError("name = \"x\"\n[[hotplug]]\npci = \"65:00.0\"\n[[hotplug]]\npci = \"0000:65:00.0\"\n",
                "vm.toml:5: hotplug[1].pci names 0000:65:00.0, for which hotplug[0] already reserves a port", "size");
    }

    @Test
    void tomlSyntaxErrorNamesItsLine() {
        assertError("name = \"x\"\nmemory = 2G\n", "vm.toml:2: not valid TOML", "quotes");
        assertError("name = \"x\"\nname = \"y\"\n\n# comment\n", "vm.toml:2: not valid TOML: name is defined twice", null);
    }
}
