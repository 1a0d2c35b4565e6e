package dev.hostdev.launcher.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The health check after a release, on generated sysfs trees with the device made unhealthy in each way it checks. */
class DeviceHealthTest {
    private static final PciAddress NIC = PciAddress.parse("0000:03:00.0");

    @TempDir
    Path dir;
    SysfsTree tree;
    DeviceHealth health;

    @BeforeEach
    void healthyNic() throws Exception {
        tree = SysfsTree.create(dir);
        tree.pci("0000:03:00.0").vendor(0x8086).device(0x10d3).pcie().link("2.5 GT/s PCIe", 1).maxLink("2.5 GT/s PCIe", 1)
                .driver("vfio-pci").add();
        write("power_state", "D0");
        health = new DeviceHealth(tree.sysfs(), List.of(NIC));
    }

    private void write(String attribute, String value) throws Exception {
        Files.writeString(tree.pciDeviceDir(NIC.toString()).resolve(attribute), value + "\n");
    }

    private void writeConfig(int... bytes) throws Exception {
        byte[] b = new byte[64];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        Files.write(tree.pciDeviceDir(NIC.toString()).resolve("config"), b);
    }

    @Test
    void aDeviceAsItWasIsHealthy() {
        assertEquals(List.of(), health.problems(NIC));
        assertEquals(List.of("config space of 0000:03:00.0 reads 8086:10d3", "PCIe link up at x1 2.5 GT/s PCIe", "power state D0",
                "on driver vfio-pci"), health.describe(NIC));
    }

    @Test
    void configSpaceOfAllOnesIsADeviceThatDoesNotAnswer() throws Exception {
        writeConfig(0xff, 0xff, 0xff, 0xff);
        assertEquals(List.of("the config space of 0000:03:00.0 reads all ones: the device does not answer (a fatal error, or it fell off"
                + " the bus)"), health.problems(NIC));
    }

    @Test
    void anotherDeviceInItsPlaceIsNamed() throws Exception {
        writeConfig(0x86, 0x80, 0xd4, 0x10);
        assertEquals(List.of("the config space of 0000:03:00.0 reads 8086:10d4, it was 8086:10d3"), health.problems(NIC));
    }

    @Test
    void aLinkDownOrNarrowerOrSlower() throws Exception {
        write("current_link_width", "0");
        assertEquals(List.of("the PCIe link of 0000:03:00.0 is down (current_link_width 0, it was x1)"), health.problems(NIC));
        write("current_link_width", "1");
        write("current_link_speed", "Unknown");
        assertEquals(List.of("the PCIe link of 0000:03:00.0 runs at Unknown, it was 2.5 GT/s PCIe"), health.problems(NIC));
    }

    @Test
    void aDeviceLeftInD3coldOrOnAnotherDriver() throws Exception {
        write("power_state", "D3cold");
        Files.delete(tree.pciDeviceDir(NIC.toString()).resolve("driver"));
        assertEquals(List.of("0000:03:00.0 is in power state D3cold (it was D0 before the soak; D0 is on)",
                "0000:03:00.0 is on no driver, it was on vfio-pci"), health.problems(NIC));
        tree.bind(NIC.toString(), "e1000e");
        write("power_state", "D0");
        assertEquals(List.of("0000:03:00.0 is on driver e1000e, it was on vfio-pci"), health.problems(NIC));
    }

    @Test
    void theLowPowerStateItSleptInBeforeIsAccepted() throws Exception {
        write("power_state", "D3hot"); // vfio-pci lets an idle device sleep
        DeviceHealth idle = new DeviceHealth(tree.sysfs(), List.of(NIC));
        assertEquals(List.of(), idle.problems(NIC));
        write("power_state", "D0");
        assertEquals(List.of(), idle.problems(NIC));
        write("power_state", "D3cold");
        assertTrue(idle.problems(NIC).get(0).contains("power state D3cold (it was D3hot"), idle.problems(NIC).toString());
    }

    @Test
    void aDeviceGoneFromTheBus() throws Exception {
        Files.delete(tree.sysPath("bus/pci/devices/" + NIC));
        assertEquals(List.of("0000:03:00.0 is gone from /sys/bus/pci/devices"), health.problems(NIC));
    }

    @Test
    void aDeviceNotOnTheHostIsRefusedBeforeTheSoak() {
        HostdevException e = assertThrows(HostdevException.class,
                () -> new DeviceHealth(tree.sysfs(), List.of(PciAddress.parse("0000:09:00.0"))));
        assertEquals(ErrorCode.NOT_FOUND, e.code());
    }
}
