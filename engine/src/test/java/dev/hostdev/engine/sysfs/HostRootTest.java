package dev.hostdev.engine.sysfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.HostdevException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostRootTest {
    @TempDir
    Path dir;

    @Test
    void resolvesHostPathsUnderTheRoot() {
        HostRoot root = new HostRoot(dir);
        assertEquals(dir.resolve("sys/bus/pci"), root.resolve("/sys/bus/pci"));
        assertEquals("/sys/bus/pci", root.display(root.resolve("/sys/bus/pci")));
        assertFalse(root.isSystemRoot());
        assertTrue(HostRoot.system().isSystemRoot());
    }

    @Test
    void refusesPathsThatLeaveTheRoot() {
        HostRoot root = new HostRoot(dir);
        assertThrows(HostdevException.class, () -> root.resolve("/sys/../../etc/passwd"));
        assertThrows(HostdevException.class, () -> root.resolve("/sys/bus\0"));
        Sysfs sysfs = new Sysfs(root, (p, v) -> { });
        assertThrows(HostdevException.class, () -> sysfs.read("../../../etc/passwd"));
    }

    @Test
    void readsTrimmedAttributesAndLinks() throws Exception {
        Path dev = Files.createDirectories(dir.resolve("sys/bus/pci/devices/0000:00:02.0"));
        Files.writeString(dev.resolve("vendor"), "0x8086\n");
        Path drv = Files.createDirectories(dir.resolve("sys/bus/pci/drivers/e1000e"));
        Files.createSymbolicLink(dev.resolve("driver"), dev.relativize(drv));
        Sysfs sysfs = new Sysfs(new HostRoot(dir), (p, v) -> { });
        assertEquals("0x8086", sysfs.read("bus/pci/devices/0000:00:02.0/vendor").orElseThrow());
        assertEquals("e1000e", sysfs.linkName("bus/pci/devices/0000:00:02.0/driver").orElseThrow());
        assertTrue(sysfs.read("bus/pci/devices/0000:00:02.0/absent").isEmpty());
        assertEquals(java.util.List.of("0000:00:02.0"), sysfs.list("bus/pci/devices"));
    }

    @Test
    void writeErrorsNameTheHostPathAndErrno() {
        Sysfs sysfs = new Sysfs(new HostRoot(dir), (p, v) -> {
            throw new SysfsWriteException(p.toString(), v, Errno.ENODEV);
        });
        SysfsWriteException e = assertThrows(SysfsWriteException.class,
                () -> sysfs.write("bus/pci/drivers_probe", "0000:09:00.0"));
        assertEquals(Errno.ENODEV, e.errno());
        assertEquals("writing '0000:09:00.0' to /sys/bus/pci/drivers_probe failed: No such device (ENODEV)",
                e.getMessage());
    }
}
