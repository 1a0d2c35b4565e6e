package dev.hostdev.engine.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.sysfs.Errno;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.sysfs.SysfsWriteException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulated kernel answers writes the way the 6.1 kernel was observed to (DESIGN.md). */
class SimulatedKernelTest {
    private static final String GPU = "0000:01:00.0";
    private static final String AUDIO = "0000:01:00.1";

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    SysfsTree tree;
    SimulatedKernel kernel;
    Sysfs sysfs;

    @BeforeEach
    void setUp() {
        tree = SampleHosts.workstation(dir).pciDriver("vfio-pci");
        kernel = new SimulatedKernel(dir);
        sysfs = tree.sysfs(kernel);
    }

    private int errnoOf(String attribute, String value) {
        return assertThrows(SysfsWriteException.class, () -> sysfs.write(attribute, value)).errno();
    }

    @Test
    void unbindRemovesTheDriverLinkBothWays() {
        sysfs.write("bus/pci/drivers/nouveau/unbind", GPU);
        assertEquals(Optional.empty(), kernel.currentDriver(GPU));
        assertFalse(sysfs.existsNoFollow("bus/pci/drivers/nouveau/" + GPU));
    }

    @Test
    void unbindThroughTheWrongDriverOrOfAnUnboundDeviceIsEnodev() {
        assertEquals(Errno.ENODEV, errnoOf("bus/pci/drivers/snd_hda_intel/unbind", GPU));
        assertEquals(Errno.ENODEV, errnoOf("bus/pci/drivers/nouveau/unbind", "0000:0a:00.0"));
        assertEquals(Optional.of("nouveau"), kernel.currentDriver(GPU));
    }

    @Test
    void unbindThroughTheDeviceOfAnUnboundDeviceIsEnoent() {
        sysfs.write("bus/pci/devices/" + GPU + "/driver/unbind", GPU);
        assertEquals(Optional.empty(), kernel.currentDriver(GPU));
        assertEquals(Errno.ENOENT, errnoOf("bus/pci/devices/" + GPU + "/driver/unbind", GPU));
    }

    @Test
    void bindAnswersEbusyEnodevAsTheKernelDoes() {
        assertEquals(Errno.EBUSY, errnoOf("bus/pci/drivers/nouveau/bind", GPU));
        assertEquals(Errno.ENODEV, errnoOf("bus/pci/drivers/nouveau/bind", "0000:0a:00.0"));
        assertEquals(Errno.ENODEV, errnoOf("bus/pci/drivers/nouveau/bind", "bogus"));
        sysfs.write("bus/pci/drivers/nouveau/unbind", GPU);
        assertEquals(Errno.ENODEV, errnoOf("bus/pci/drivers/vfio-pci/bind", GPU), "vfio-pci without driver_override");
        sysfs.write("bus/pci/devices/" + GPU + "/driver_override", "vfio-pci");
        assertEquals(Errno.ENODEV, errnoOf("bus/pci/drivers/nouveau/bind", GPU), "override names another driver");
        sysfs.write("bus/pci/drivers/vfio-pci/bind", GPU);
        assertEquals(Optional.of("vfio-pci"), kernel.currentDriver(GPU));
    }

    @Test
    void driversProbeBindsByOverrideAndCreatesTheVfioNode() {
        sysfs.write("bus/pci/devices/" + GPU + "/driver_override", "vfio-pci");
        assertEquals("vfio-pci", sysfs.read("bus/pci/devices/" + GPU + "/driver_override").orElseThrow());
        sysfs.write("bus/pci/drivers_probe", GPU);
        assertEquals(Optional.of("nouveau"), kernel.currentDriver(GPU), "a bound device is left alone");
        sysfs.write("bus/pci/drivers/nouveau/unbind", GPU);
        sysfs.write("bus/pci/drivers_probe", GPU);
        assertEquals(Optional.of("vfio-pci"), kernel.currentDriver(GPU));
        assertTrue(Files.exists(dir.resolve("dev/vfio/14")));
        assertEquals(Errno.ENODEV, errnoOf("bus/pci/drivers_probe", "0000:0a:00.0"));
        sysfs.write("bus/pci/drivers/vfio-pci/unbind", GPU);
        assertFalse(Files.exists(dir.resolve("dev/vfio/14")), "the group's last vfio-pci device left");
    }

    @Test
    void driversProbeSucceedsWhenNothingClaimsTheDevice() {
        sysfs.write("bus/pci/devices/" + AUDIO + "/driver_override", "no-such-driver");
        sysfs.write("bus/pci/drivers/snd_hda_intel/unbind", AUDIO);
        sysfs.write("bus/pci/drivers_probe", AUDIO);
        assertEquals(Optional.empty(), kernel.currentDriver(AUDIO));
    }

    @Test
    void driversProbeWithoutOverrideBindsTheNativeDriver() {
        sysfs.write("bus/pci/drivers/snd_hda_intel/unbind", AUDIO);
        sysfs.write("bus/pci/drivers_probe", AUDIO);
        assertEquals(Optional.of("snd_hda_intel"), kernel.currentDriver(AUDIO));
    }

    @Test
    void clearingTheOverrideReadsNull() {
        sysfs.write("bus/pci/devices/" + GPU + "/driver_override", "vfio-pci");
        sysfs.write("bus/pci/devices/" + GPU + "/driver_override", "\n");
        assertEquals("(null)", sysfs.read("bus/pci/devices/" + GPU + "/driver_override").orElseThrow());
        sysfs.write("bus/pci/devices/" + GPU + "/driver_override", "vfio-pci");
        sysfs.write("bus/pci/devices/" + GPU + "/driver_override", "");
        assertEquals(Optional.empty(), kernel.driverOverride(GPU));
    }

    @Test
    void resetWorksFailsOrKillsAsConfigured() throws Exception {
        sysfs.write("bus/pci/devices/" + GPU + "/reset", "1");
        assertEquals(1, kernel.resets(GPU));
        assertEquals(Errno.ENOENT, errnoOf("bus/pci/devices/" + AUDIO + "/reset", "1"), "no reset attribute");
        kernel.resetFails(GPU, Errno.EIO);
        assertEquals(Errno.EIO, errnoOf("bus/pci/devices/" + GPU + "/reset", "1"));
        kernel.resetKillsDevice(GPU);
        sysfs.write("bus/pci/devices/" + GPU + "/reset", "1");
        byte[] config = Files.readAllBytes(tree.pciDeviceDir(GPU).resolve("config"));
        assertEquals((byte) 0xff, config[0]);
        assertEquals((byte) 0xff, config[1]);
    }

    @Test
    void injectedFailuresAndKillsHappenAtTheChosenWrite() {
        kernel.failWrite(2, Errno.EIO).killAfterWrite(3);
        sysfs.write("bus/pci/devices/" + GPU + "/driver_override", "vfio-pci");
        assertEquals(Errno.EIO, errnoOf("bus/pci/drivers/nouveau/unbind", GPU));
        assertEquals(Optional.of("nouveau"), kernel.currentDriver(GPU), "a failed write changes nothing");
        assertThrows(SimulatedKernel.SimulatedCrash.class, () -> sysfs.write("bus/pci/drivers/nouveau/unbind", GPU));
        assertEquals(Optional.empty(), kernel.currentDriver(GPU), "killed after the write took effect");
        kernel.killBeforeWrite(4);
        assertThrows(SimulatedKernel.SimulatedCrash.class, () -> sysfs.write("bus/pci/drivers_probe", GPU));
        assertEquals(Optional.empty(), kernel.currentDriver(GPU), "killed before the write");
        assertEquals(4, kernel.writes().size());
        assertEquals("write /sys/bus/pci/drivers/nouveau/unbind " + GPU, kernel.writes().get(1).toString());
    }
}
