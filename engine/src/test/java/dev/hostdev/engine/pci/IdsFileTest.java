package dev.hostdev.engine.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IdsFileTest {
    private static final String SAMPLE = """
            # comment
            #\tmore comment

            0001  SafeNet (wrong ID)
            0010  Allied Telesis, Inc (Wrong ID)
            # 0014 is not a real vendor line
            \t8139  AT-2500TX V3 Ethernet
            8086  Intel Corporation
            \t0007  82379AB
            \t\t8086 0001  subsystem line, skipped
            # a comment inside a block
            \t10c9  82576 Gigabit Network Connection
            ffff  Illegal Vendor ID
            C 00  Unclassified device
            \t00  Non-VGA unclassified device
            C 02  Network controller
            \t00  Ethernet controller
            \t\t00  prog-if line, skipped
            \t80  Network controller
            C ff  Unassigned class
            """;

    @Test
    void findsVendorsDevicesClassesAndSubclasses() {
        IdNames n = IdsFile.find(SAMPLE.getBytes(StandardCharsets.UTF_8), Set.of(0x8086, 0x0001, 0xffff, 0x1234),
                Set.of(0x8086_10c9, 0x8086_0007, 0x8086_0001, 0x0010_8139), Set.of(0x02, 0x03, 0xff),
                Set.of(0x0200, 0x0280, 0x0201, 0x0000));
        assertEquals(Optional.of("Intel Corporation"), n.vendor(0x8086));
        assertEquals(Optional.of("SafeNet (wrong ID)"), n.vendor(0x0001));
        assertEquals(Optional.of("Illegal Vendor ID"), n.vendor(0xffff));
        assertEquals(Optional.empty(), n.vendor(0x1234));
        assertEquals(Optional.empty(), n.vendor(0x0010), "not asked for");
        assertEquals(Optional.of("AT-2500TX V3 Ethernet"), n.device(0x0010, 0x8139));
        assertEquals(Optional.of("82576 Gigabit Network Connection"), n.device(0x8086, 0x10c9));
        assertEquals(Optional.of("82379AB"), n.device(0x8086, 0x0007));
        assertEquals(Optional.empty(), n.device(0x8086, 0x0001), "a subsystem line is not a device");
        assertEquals(Optional.of("Ethernet controller"), n.className(0x02, 0x00));
        assertEquals(Optional.of("Network controller"), n.className(0x02, 0x01), "falls back to the class");
        assertEquals(Optional.of("Non-VGA unclassified device"), n.className(0x00, 0x00));
        assertEquals(Optional.of("Unassigned class"), n.className(0xff, 0xff));
        assertEquals(Optional.empty(), n.className(0x03, 0x00));
    }

    @Test
    void binarySearchAgreesWithAFullScanOnTheSystemsFiles() throws Exception {
        for (String file : new String[] {"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids", "/usr/share/misc/usb.ids"}) {
            Path p = Path.of(file);
            if (!Files.isRegularFile(p)) {
                continue;
            }
            byte[] data = Files.readAllBytes(p);
            Set<Integer> vendors = new HashSet<>();
            Set<Integer> devices = new HashSet<>();
            Map<Integer, String> allVendors = new HashMap<>();
            Map<Integer, String> allDevices = new HashMap<>();
            referenceScan(data, allVendors, allDevices);
            assertTrue(allVendors.size() > 1000, file);
            vendors.addAll(allVendors.keySet());
            Random r = new Random(1);
            int i = 0;
            for (int key : allDevices.keySet()) {
                if (i++ % 7 == 0) {
                    devices.add(key);
                }
            }
            for (int k = 0; k < 500; k++) {
                vendors.add(r.nextInt(0x10000));
                devices.add(r.nextInt());
            }
            IdNames n = IdsFile.find(data, vendors, devices, Set.of(), Set.of());
            assertEquals(n, IdsFile.lookup(p, vendors, devices, Set.of(), Set.of()),
                    file + ": read through the moving window as from memory");
            for (int v : vendors) {
                assertEquals(Optional.ofNullable(allVendors.get(v)), n.vendor(v), file + " vendor " + Integer.toHexString(v));
            }
            for (int d : devices) {
                assertEquals(Optional.ofNullable(allDevices.get(d)), n.device(d >>> 16, d & 0xffff),
                        file + " device " + Integer.toHexString(d));
            }
        }
        assumeTrue(Files.isRegularFile(Path.of("/usr/share/misc/pci.ids")), "no pci.ids on this machine");
    }

    @Test
    void locateLooksUnderTheRootThenOnTheMachine(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        var root = new dev.hostdev.engine.sysfs.HostRoot(dir);
        Files.createDirectories(dir.resolve("usr/share/hwdata"));
        Files.writeString(dir.resolve("usr/share/hwdata/pci.ids"), SAMPLE);
        assertEquals(Optional.of(dir.resolve("usr/share/hwdata/pci.ids")), IdsFile.locate(root, "pci.ids"));
        Optional<Path> usb = IdsFile.locate(root, "usb.ids");
        assertTrue(usb.isEmpty() || usb.get().startsWith("/usr/share"), usb.toString());
    }

    /**
     * The obvious line-by-line reading of the whole file, against which the binary search is checked;
     * also checks the order the search relies on: vendors, and each vendor's devices, ascending.
     */
    private static void referenceScan(byte[] data, Map<Integer, String> vendors, Map<Integer, String> devices) {
        int vendor = -1;
        int lastVendor = -1;
        int lastDevice = -1;
        for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!line.startsWith("\t")) {
                vendor = line.matches("[0-9a-f]{4}  .*") ? Integer.parseInt(line.substring(0, 4), 16) : -1;
                if (vendor >= 0) {
                    assertTrue(vendor > lastVendor, "vendors ascend: " + line);
                    lastVendor = vendor;
                    lastDevice = -1;
                    vendors.put(vendor, line.substring(6).strip());
                }
            } else if (vendor >= 0 && !line.startsWith("\t\t") && line.matches("\t[0-9a-f]{4}  .*")) {
                int device = Integer.parseInt(line.substring(1, 5), 16);
                assertTrue(device > lastDevice, "devices ascend within vendor " + Integer.toHexString(vendor) + ": " + line);
                lastDevice = device;
                devices.put(vendor << 16 | device, line.substring(7).strip());
            }
        }
    }
}
