package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.testing.SampleHosts;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ListCommandTest {
    @TempDir
    Path dir;

    private CliRun list(String... more) {
        MiniIds.install(SampleHosts.workstation(dir));
        return CliRun.under(dir, "list", more);
    }

    @Test
    void textIsLspciNnPlusDriverAndGroup() {
        CliRun r = list();
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(15, lines.size());
        assertTrue(lines.contains("0000:01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GP104 [GeForce GTX 1080] "
                + "[10de:1b80] (rev a1)  driver=nouveau group=14"), r.out());
        assertTrue(lines.contains("0000:02:10.2 Ethernet controller [0200]: Intel Corporation 82576 Virtual Function "
                + "[8086:10ca] (rev 01)  driver=igbvf group=21"), r.out());
        // Unknown device of a known vendor, unknown vendor, unknown subclass, no revision, no driver:
        assertTrue(lines.contains("0000:00:00.0 Bridge [0600]: Intel Corporation Device [8086:3e30] (rev 0d)  driver=none group=0"),
                r.out());
        assertTrue(lines.contains("0000:03:00.0 PCI bridge [0604]: Device [1b36:000e]  driver=none group=5"), r.out());
        assertTrue(lines.contains("0000:00:1f.2 Class 0106 [0106]: Intel Corporation Device [8086:a352] (rev 10)  "
                + "driver=ahci group=7"), r.out());
    }

    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        CliRun r = list("--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals(List.of("pci"), iterable(root.fieldNames()));
        JsonNode gpu = root.get("pci").get(7);
        assertEquals(new ObjectMapper().readTree("""
                {"address":"0000:01:00.0","nodedev_name":"pci_0000_01_00_0","vendor_id":"0x10de","device_id":"0x1b80","class":"0x030000",
                 "revision":"0xa1","driver":"nouveau","iommu_group":14,"numa_node":-1,
                 "vendor_name":"NVIDIA Corporation","device_name":"GP104 [GeForce GTX 1080]",
                 "class_name":"VGA compatible controller","kernel_modules":null,"warning":null}"""), gpu);
        JsonNode bridge = root.get("pci").get(12);
        assertEquals("0000:03:00.0", bridge.get("address").asText());
        assertTrue(bridge.get("driver").isNull());
        assertTrue(bridge.get("vendor_name").isNull());
        assertEquals(5, root.get("pci").get(14).get("iommu_group").asInt());
    }

    @Test
    void usbAloneOrWithAll() throws Exception {
        CliRun usb = list("--usb");
        assertEquals(0, usb.exitCode(), usb.err());
        assertEquals(List.of(
                "Bus 001 Device 001: ID 1d6b:0002 Linux Foundation 2.0 root hub  root-hub",
                "Bus 001 Device 002: ID 046d:c52b Logitech, Inc. Unifying Receiver  port=1-2",
                "Bus 001 Device 003: ID 05e3:0610 USB2.1 Hub  port=1-3",
                "Bus 001 Device 004: ID 1050:0407 Yubico YubiKey OTP+FIDO+CCID  port=1-3.1"), usb.out().lines().toList());
        JsonNode all = new ObjectMapper().readTree(CliRun.run("list", "--root", dir.toString(), "--all", "--json").out());
        assertEquals(List.of("pci", "usb"), iterable(all.fieldNames()));
        JsonNode yubikey = all.get("usb").get(3);
        assertEquals(new ObjectMapper().readTree("""
                {"name":"1-3.1","nodedev_name":"usb_1_3_1","bus":1,"devnum":4,"port":"1-3.1","vendor_id":"0x1050","product_id":"0x0407",
                 "vendor_name":null,"product_name":null,"manufacturer":"Yubico","product":"YubiKey OTP+FIDO+CCID",
                 "serial":"0123","speed_mbps":"480","hub":false,"root_hub":false}"""), yubikey);
        assertTrue(all.get("usb").get(0).get("root_hub").asBoolean());
    }

    @Test
    void missingSysfsIsAnEnvironmentErrorNotATrace() {
        CliRun r = CliRun.run("list", "--root", dir.resolve("nothing").toString());
        assertEquals(12, r.exitCode());
        assertTrue(r.err().startsWith("hostdev: no PCI bus in sysfs: /sys/bus/pci is missing under "), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
        CliRun j = CliRun.run("list", "--json", "--root", dir.resolve("nothing").toString());
        assertTrue(j.out().startsWith("{\"error\":{\"code\":\"environment\""), j.out());
    }

    @Test
    void emptyHostListsNothing() {
        dev.hostdev.engine.testing.SysfsTree.create(dir);
        CliRun r = CliRun.run("list", "--root", dir.toString(), "--json");
        assertEquals("{\"pci\":[]}\n", r.out());
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new java.util.ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
