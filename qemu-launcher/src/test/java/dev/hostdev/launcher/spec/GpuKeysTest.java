package dev.hostdev.launcher.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.cmdline.VfioPci;
import dev.hostdev.launcher.topology.Placement;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GPU keys of [[hostdev]]: parsed, rendered onto vfio-pci, and the romfile checked as untrusted input. */
class GpuKeysTest {
    @TempDir
    Path dir;

    static final String GPU = "name = \"vm\"\n[[hostdev]]\nid = \"gpu\"\npci = \"65:00.0\"\n";

    static VfioPci render(HostdevSpec h) {
        return new VfioPci(h.id(), h.pci().orElseThrow(), Placement.onRootPort("pci.1"), h.gpu());
    }

    @Test
    void xVgaRombarRomfileAndDisplayAreRenderedOntoVfioPci() {
        HostdevSpec h = Specs.parse(GPU + "x_vga = true\nrombar = true\nromfile = \"roms/gpu.rom\"\ndisplay = \"off\"\n").hostdevs().get(0);
        assertEquals(new GpuOptions(Optional.of(true), Optional.of(Path.of("/specs/roms/gpu.rom")), true, Optional.of(GpuOptions.Display.OFF)), h.gpu(),
                "romfile relative to the spec's directory");
        assertEquals("vfio-pci,host=0000:65:00.0,id=gpu,bus=pci.1,addr=0x0,rombar=1,romfile=/specs/roms/gpu.rom,x-vga=on,display=off",
                render(h).deviceArgument());
        assertEquals("{\"driver\":\"vfio-pci\",\"host\":\"0000:65:00.0\",\"id\":\"gpu\",\"bus\":\"pci.1\",\"addr\":\"0x0\",\"rombar\":1,"
                + "\"romfile\":\"/specs/roms/gpu.rom\",\"x-vga\":true,\"display\":\"off\"}", render(h).deviceAddArguments().toString());
    }

    @Test
    void withoutThemNothingIsAdded() {
        HostdevSpec h = Specs.parse(GPU).hostdevs().get(0);
        assertEquals(GpuOptions.NONE, h.gpu());
        assertEquals("vfio-pci,host=0000:65:00.0,id=gpu,bus=pci.1,addr=0x0", render(h).deviceArgument());
        assertEquals("vfio-pci,host=0000:65:00.0,id=gpu,bus=pci.1,addr=0x0,rombar=0",
                render(Specs.parse(GPU + "rombar = false\n").hostdevs().get(0)).deviceArgument());
    }

    @Test
    void badValuesAreRefusedWithTheirLine() {
        assertEquals("vm.toml:5: hostdev[0].display must be \"on\", \"off\" or \"auto\" (QEMU's vfio-pci display), not 'yes'",
                Specs.error(GPU + "display = \"yes\"\n").getMessage());
        assertTrue(Specs.error(GPU + "x_vga = \"on\"\n").getMessage().contains("x_vga must be true or false"));
        assertTrue(Specs.error(GPU + "rombar = false\nromfile = \"a.rom\"\n").getMessage().contains("romfile is given with rombar = false"));
        HostdevException usb = Specs.error("name = \"vm\"\n[[hostdev]]\nusb = \"046d:c52b\"\nx_vga = true\n");
        assertTrue(usb.getMessage().contains("x_vga applies to PCI hostdevs only"), usb.getMessage());
    }

    @Test
    void aRomFileStartingWith55AAIsAccepted() throws IOException {
        Path rom = dir.resolve("gpu.rom");
        Files.write(rom, new byte[] {0x55, (byte) 0xAA, 0x40, 0});
        RomFile.check(rom, "[[hostdev]] at vm.toml:2");
    }

    @Test
    void aRomFileWithAnotherSignatureIsRefused() throws IOException {
        Path rom = dir.resolve("update.exe");
        Files.write(rom, new byte[] {'M', 'Z', 0, 0});
        HostdevException e = assertThrows(HostdevException.class, () -> RomFile.check(rom, "[[hostdev]] at vm.toml:2"));
        assertEquals(ErrorCode.USAGE, e.code());
        assertEquals("the romfile " + rom + " of [[hostdev]] at vm.toml:2 is not a PCI option ROM: it starts with 0x4D5A, not the signature 0x55AA",
                e.getMessage());
        Path empty = Files.createFile(dir.resolve("empty.rom"));
        assertTrue(assertThrows(HostdevException.class, () -> RomFile.check(empty, "h")).getMessage().contains("it 0 bytes long"));
    }

    @Test
    void aMissingUnreadableOrNonRegularRomFileIsRefused() throws IOException {
        HostdevException missing = assertThrows(HostdevException.class, () -> RomFile.check(dir.resolve("none.rom"), "h"));
        assertEquals(ErrorCode.NOT_FOUND, missing.code());
        HostdevException directory = assertThrows(HostdevException.class, () -> RomFile.check(dir, "h"));
        assertEquals(ErrorCode.USAGE, directory.code());
        assertTrue(directory.getMessage().contains("is not a regular file"), directory.getMessage());
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        try {
            if (mkfifo.waitFor() == 0) {
                assertTrue(assertThrows(HostdevException.class, () -> RomFile.check(fifo, "h")).getMessage().contains("not a regular file"),
                        "a FIFO is refused without being opened (opening it would block)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Path secret = dir.resolve("secret.rom");
        Files.write(secret, new byte[] {0x55, (byte) 0xAA});
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("---------"));
        // root reads any mode; a regular file whose read fails (EIO at offset 0 of /proc/self/mem) stands in then
        Path unreadableFile = Files.isReadable(secret) ? Path.of("/proc/self/mem") : secret;
        Assumptions.assumeTrue(Files.isRegularFile(unreadableFile), "no unreadable regular file here");
        HostdevException unreadable = assertThrows(HostdevException.class, () -> RomFile.check(unreadableFile, "h"));
        assertEquals(ErrorCode.ENVIRONMENT, unreadable.code());
        assertTrue(unreadable.getMessage().startsWith("cannot read the romfile " + unreadableFile), unreadable.getMessage());
    }

    @Test
    void aDeviceMemoryBecomesABackendAndIsChecked() {
        EmulatedDeviceSpec d = Specs.parse("name = \"vm\"\n[[device]]\nmodel = \"ivshmem-plain\"\nmemory = \"4G\"\n").devices().get(0);
        assertEquals(Optional.of(MemorySize.parse("4G")), d.memory());
        assertTrue(Specs.error("name = \"vm\"\n[[device]]\nmodel = \"ivshmem-plain\"\nmemory = \"3G\"\n").getMessage()
                .contains("a PCI BAR is a power of two"));
        assertTrue(Specs.error("name = \"vm\"\n[[device]]\nmodel = \"e1000e\"\nmemory = \"4G\"\n").getMessage()
                .contains("applies to devices that take a memory backend"));
        assertTrue(Specs.error("name = \"vm\"\n[[device]]\nmodel = \"ivshmem-plain\"\nmemory = \"4G\"\nprops = { memdev = \"m\" }\n")
                .getMessage().contains("memory and props.memdev both"));
    }

    @Test
    void firmwareAndPhysBitsKeys() {
        VmSpec s = Specs.parse("name = \"vm\"\nfirmware = \"ovmf\"\nphys_bits = 46\n");
        assertEquals(new GuestPlatform(GuestPlatform.Firmware.OVMF, Optional.of(GuestPlatform.DEFAULT_OVMF), java.util.OptionalInt.of(46)),
                s.platform());
        assertTrue(Specs.error("name = \"vm\"\nphys_bits = 64\n").getMessage().contains("phys_bits must be between 32 and 52"));
        assertTrue(Specs.error("name = \"vm\"\nfirmware = \"uefi\"\n").getMessage().contains("firmware must be \"seabios\" or \"ovmf\""));
        assertEquals(GuestPlatform.DEFAULT, Specs.parse("name = \"vm\"\n").platform());
    }

    @Test
    void vfioPciRecordKeepsHostAddress() {
        assertEquals(PciAddress.parse("65:00.0"), render(Specs.parse(GPU).hostdevs().get(0)).host());
    }
}
