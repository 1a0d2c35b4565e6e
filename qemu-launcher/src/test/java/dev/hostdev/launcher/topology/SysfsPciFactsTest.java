package dev.hostdev.launcher.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SysfsPciFactsTest {
    @TempDir
    Path root;

    private Path device(String address) throws IOException {
        Path dir = root.resolve("sys/bus/pci/devices/" + address);
        Files.createDirectories(dir);
        return dir;
    }

    /** 256 bytes of config space whose capability list is PM (0x01) at 0x40, then {@code second} at 0x50. */
    private static byte[] config(int second) {
        byte[] c = new byte[256];
        c[0x06] = 0x10;
        c[0x34] = 0x40;
        c[0x40] = 0x01;
        c[0x41] = 0x50;
        c[0x50] = (byte) second;
        c[0x51] = 0x00;
        return c;
    }

    @Test
    void walksTheCapabilityListForPciExpress() throws IOException {
        Files.write(device("0000:01:00.0").resolve("config"), config(0x10));
        Files.write(device("0000:02:01.0").resolve("config"), config(0x05));
        SysfsPciFacts facts = new SysfsPciFacts(new Sysfs(new HostRoot(root)));
        assertEquals(Optional.of(true), facts.isPcie(PciAddress.parse("01:00.0")));
        assertEquals(Optional.of(false), facts.isPcie(PciAddress.parse("02:01.0")));
        assertEquals(Optional.empty(), facts.isPcie(PciAddress.parse("03:00.0")), "absent");
    }

    @Test
    void aLoopedCapabilityListEnds() throws IOException {
        byte[] c = config(0x05);
        c[0x51] = 0x40;
        Files.write(device("0000:01:00.0").resolve("config"), c);
        assertEquals(Optional.of(false), new SysfsPciFacts(new Sysfs(new HostRoot(root))).isPcie(PciAddress.parse("01:00.0")));
    }

    @Test
    void withOnlyTheFirst64BytesReadableUsesMaxLinkSpeed() throws IOException {
        Path pcie = device("0000:01:00.0");
        Files.write(pcie.resolve("config"), new byte[64]);
        Files.writeString(pcie.resolve("max_link_speed"), "8.0 GT/s PCIe\n");
        Files.write(device("0000:02:01.0").resolve("config"), new byte[64]);
        SysfsPciFacts facts = new SysfsPciFacts(new Sysfs(new HostRoot(root)));
        assertEquals(Optional.of(true), facts.isPcie(PciAddress.parse("01:00.0")));
        assertEquals(Optional.of(false), facts.isPcie(PciAddress.parse("02:01.0")));
    }

    @Test
    void readsBarsFromResource() throws IOException {
        Files.writeString(device("0000:65:00.0").resolve("resource"), FakePciFacts.GPU_RESOURCE);
        SysfsPciFacts facts = new SysfsPciFacts(new Sysfs(new HostRoot(root)));
        assertEquals(Optional.of(BarSizes.parse(FakePciFacts.GPU_RESOURCE)), facts.barSizes(PciAddress.parse("65:00.0")));
        assertEquals(Optional.empty(), facts.barSizes(PciAddress.parse("66:00.0")));
    }
}
