package dev.hostdev.launcher.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.HostdevException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LabDevicesTest {
    static final String LSPCI = """
            0000:00:00.0 0600: 8086:29c0
            0000:00:02.0 0604: 1b36:000c
            0000:01:00.0 0200: 8086:10d3
            0000:02:00.0 0200: 8086:10d3
            0000:03:00.0 0604: 1b36:000e
            0000:04:01.0 0200: 8086:100e (rev 03)
            0000:04:02.0 0200: 8086:100e (rev 03)
            """;
    static final String GROUPS = "0000:00:00.0 0\n0000:00:02.0 1\n0000:01:00.0 11\n0000:02:00.0 12\n"
            + "0000:03:00.0 13\n0000:04:01.0 13\n0000:04:02.0 13\n";

    @Test
    void findsTheLabDevicesByTheirIds() {
        LabDevices d = LabDevices.find(LSPCI, GROUPS);
        assertEquals("0000:01:00.0", d.nic());
        assertEquals("0000:02:00.0", d.spareNic());
        assertEquals("0000:04:01.0", d.legacy());
        assertEquals("0000:04:02.0", d.legacySibling());
        assertEquals("0000:03:00.0", d.bridge());
        assertEquals("13", d.groupOf("0000:04:02.0"));
        assertEquals(7, d.lspci().size());
    }

    @Test
    void aGuestWithoutTheDevicesIsReported() {
        assertThrows(HostdevException.class, () -> LabDevices.find("0000:00:00.0 0600: 8086:29c0\n", ""));
    }

    @Test
    void kernelViewLinesParseIntoDriversAndVfioGroups() {
        KernelView k = KernelView.parse("0000:01:00.0 vfio-pci\n0000:02:00.0 -\nvfio: 11 vfio \n");
        assertEquals("vfio-pci", k.driver("0000:01:00.0"));
        assertEquals("-", k.driver("0000:02:00.0"));
        assertEquals("?", k.driver("0000:09:00.0"));
        assertTrue(k.hasVfioGroup("11"));
        assertEquals(List.of("11"), k.vfioGroups());
        assertEquals(List.of(), KernelView.parse("vfio: \n").vfio());
    }
}
