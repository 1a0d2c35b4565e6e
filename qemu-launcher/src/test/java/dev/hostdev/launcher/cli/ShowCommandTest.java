package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.testing.SampleHosts;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class ShowCommandTest {
    @TempDir
    Path dir;

    @BeforeEach
    void host() {
        MiniIds.install(SampleHosts.workstation(dir));
    }

    private CliRun show(String... args) {
        return CliRun.under(dir, "show", args);
    }

    @Test
    void textNamesGroupMembersAndWhatBlocksTheGroup() {
        CliRun r = show("01:00.0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("0000:01:00.0 VGA compatible controller [0300]: NVIDIA Corporation GP104 "), r.out());
        assertTrue(r.out().contains("  path:             /sys/devices/pci0000:00/0000:00:1c.0/0000:01:00.0\n"), r.out());
        assertTrue(r.out().contains("  parent:           0000:00:1c.0\n"), r.out());
        assertTrue(r.out().contains("  IOMMU group:      14, with 0000:01:00.1 (snd_hda_intel)\n"), r.out());
        assertTrue(r.out().contains("  group viable:     no: 0000:01:00.1 is still bound to snd_hda_intel (detach it too, "
                + "or use --group)\n"), r.out());
        assertTrue(r.out().contains("  reset methods:    bus\n"), r.out());
        assertFalse(r.out().contains("original driver"), r.out());
    }

    @Test
    void everySpellingShowsTheSameDevice() {
        String want = show("0000:02:00.0").out();
        assertEquals(want, show("02:00.0").out());
        assertEquals(want, show("pci_0000_02_00_0").out());
    }

    @Test
    void jsonCarriesSriovLinkGroupAndTheOriginalDriverHostdevRecorded() throws Exception {
        java.nio.file.Files.createDirectories(dir.resolve("run/hostdev/devices"));
        java.nio.file.Files.writeString(dir.resolve("run/hostdev/devices/0000:02:00.0.json"), """
                {"address":"0000:02:00.0","original_driver":"igb","original_driver_override":null,"driver":"vfio-pci",
                 "detached_at":"2026-01-01T00:00:00Z","detached_by_pid":1,"detached_by":"hostdev detach"}""");
        CliRun r = show("02:00.0", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertEquals("pci", j.get("type").asText());
        assertEquals("0000:02:00.0", j.get("address").asText());
        assertEquals("0x8086", j.get("vendor_id").asText());
        assertEquals("0xa03c", j.get("subsystem_device_id").asText());
        assertEquals("/sys/devices/pci0000:00/0000:00:1c.4/0000:02:00.0", j.get("path").asText());
        assertEquals("0000:00:1c.4", j.get("parent").asText());
        assertTrue(j.get("detached_by_hostdev").asBoolean());
        assertEquals("igb", j.get("original_driver").asText());
        assertEquals(8, j.get("sriov").get("total_vfs").asInt());
        assertEquals(2, j.get("sriov").get("num_vfs").asInt());
        assertEquals("[\"0000:02:10.0\",\"0000:02:10.2\"]", j.get("sriov").get("vfs").toString());
        assertEquals("[\"flr\",\"bus\"]", j.get("reset_methods").toString());
        assertEquals("5.0 GT/s PCIe", j.get("link").get("max_speed").asText());
        assertTrue(j.get("iommu_group_viable").asBoolean());
        assertTrue(j.get("physfn").isNull());
        JsonNode vf = new ObjectMapper().readTree(show("02:10.2", "--json").out());
        assertEquals("0000:02:00.0", vf.get("physfn").asText());
        assertTrue(vf.get("sriov").isNull());
    }

    @Test
    void pciePciBridgeGroupMembersAreListedWithTheBridge() throws Exception {
        JsonNode j = new ObjectMapper().readTree(show("04:01.0", "--json").out());
        assertEquals(5, j.get("iommu_group").asInt());
        assertEquals("[{\"address\":\"0000:03:00.0\",\"driver\":null,\"bridge\":true},"
                + "{\"address\":\"0000:04:01.0\",\"driver\":\"e1000\",\"bridge\":false},"
                + "{\"address\":\"0000:04:02.0\",\"driver\":null,\"bridge\":false}]", j.get("iommu_group_members").toString());
        assertTrue(j.get("iommu_group_viable").asBoolean(), "the bridge and a driverless device do not block");
        assertEquals("0000:03:00.0", j.get("parent").asText());
    }

    @Test
    void nodedevXmlHasLibvirtsElements() throws Exception {
        CliRun r = show("02:00.0", "--xml");
        assertEquals(0, r.exitCode(), r.err());
        Document doc = parse(r.out());
        var x = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        assertEquals("pci_0000_02_00_0", x.evaluate("/device/name", doc));
        assertEquals("/sys/devices/pci0000:00/0000:00:1c.4/0000:02:00.0", x.evaluate("/device/path", doc));
        assertEquals("pci_0000_00_1c_4", x.evaluate("/device/parent", doc));
        assertEquals("igb", x.evaluate("/device/driver/name", doc));
        assertEquals("0x020000", x.evaluate("/device/capability[@type='pci']/class", doc));
        assertEquals("2", x.evaluate("/device/capability/bus", doc));
        assertEquals("0", x.evaluate("/device/capability/slot", doc));
        assertEquals("0x10c9", x.evaluate("/device/capability/product/@id", doc));
        assertEquals("82576 Gigabit Network Connection", x.evaluate("/device/capability/product", doc));
        assertEquals("0x8086", x.evaluate("/device/capability/vendor/@id", doc));
        assertEquals("8", x.evaluate("/device/capability/capability[@type='virt_functions']/@maxCount", doc));
        assertEquals("0x10", x.evaluate("/device/capability/capability[@type='virt_functions']/address[1]/@slot", doc));
        assertEquals("19", x.evaluate("/device/capability/iommuGroup/@number", doc));
        assertEquals("0", x.evaluate("/device/capability/numa/@node", doc));
        assertEquals("5", x.evaluate("/device/capability/pci-express/link[@validity='cap']/@speed", doc));
        assertEquals("2.5", x.evaluate("/device/capability/pci-express/link[@validity='sta']/@speed", doc));
        assertTrue(r.out().contains("\n  <capability type=\"pci\">\n    <class>0x020000</class>\n"), r.out());
    }

    @Test
    void hostdevXmlForPciAndUsb() throws Exception {
        CliRun r = show("pci_0000_04_01_0", "--hostdev-xml");
        assertEquals("""
                <hostdev mode="subsystem" type="pci" managed="yes">
                  <source>
                    <address domain="0x0000" bus="0x04" slot="0x01" function="0x0"/>
                  </source>
                </hostdev>
                """, r.out());
        assertEquals("""
                <hostdev mode="subsystem" type="usb" managed="yes">
                  <source>
                    <vendor id="0x046d"/>
                    <product id="0xc52b"/>
                  </source>
                </hostdev>
                """, show("046d:c52b", "--hostdev-xml").out());
        Document usb = parse(show("1-3.1", "--hostdev-xml").out());
        var x = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        assertEquals("4", x.evaluate("/hostdev/source/address/@device", usb));
    }

    @Test
    void usbShowAndNodedevXml() throws Exception {
        CliRun r = show("1-2");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("Bus 001 Device 002: ID 046d:c52b Logitech, Inc. Unifying Receiver  port=1-2\n"));
        Document doc = parse(show("1-3.1", "--xml").out());
        var x = javax.xml.xpath.XPathFactory.newInstance().newXPath();
        assertEquals("usb_1_3_1", x.evaluate("/device/name", doc));
        assertEquals("usb_1_3", x.evaluate("/device/parent", doc));
        assertEquals("1", x.evaluate("/device/capability[@type='usb_device']/bus", doc));
        assertEquals("0x1050", x.evaluate("/device/capability/vendor/@id", doc));
        JsonNode j = new ObjectMapper().readTree(show("1-3.1", "--json").out());
        assertEquals("usb", j.get("type").asText());
        assertEquals("1-3.1", j.get("port").asText());
    }

    @Test
    void absentDeviceIsNotFound() {
        CliRun r = show("09:00.0");
        assertEquals(3, r.exitCode());
        assertEquals("hostdev: no PCI device 0000:09:00.0 on this host\n"
                + "hint: run 'hostdev list' to see the PCI devices and their addresses\n", r.err());
        assertEquals(3, show("09:00.0", "--hostdev-xml").exitCode());
        CliRun usb = show("3-1", "--json");
        assertEquals(3, usb.exitCode());
        assertTrue(usb.out().startsWith("{\"error\":{\"code\":\"not_found\""), usb.out());
    }

    @Test
    void badInputIsAOneLineUsageError() {
        for (String bad : new String[] {"../../etc/passwd", "/sys/bus/pci/devices/0000:01:00.0", "eth0", "01:00"}) {
            CliRun r = show(bad);
            assertEquals(2, r.exitCode(), bad);
            assertTrue(r.err().startsWith("hostdev: not a device: '"), r.err());
            assertEquals(2, r.err().lines().count(), r.err());
        }
        assertEquals(2, show("01:00.0", "--xml", "--json").exitCode());
    }

    private static Document parse(String xml) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
