package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.engine.testing.TmpfsTempDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/**
 * {@code list} and {@code show} on a host with Intel VMD (NVMe drives in domains 10000 and 10001) and
 * with entries of /sys/bus/pci/devices that cannot be read: every entry is listed, the VMD drives by
 * every spelling, the unreadable ones with what could be read and a warning.
 */
class VmdAndUnreadableEntriesTest {
    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    SysfsTree tree;

    @BeforeEach
    void vmdHost() throws Exception {
        tree = SysfsTree.create(dir);
        tree.pci("0000:00:00.0").vendor(0x8086).device(0x09a2).klass(0x060000).iommuGroup(0).add();
        tree.pci("0000:00:0e.0").vendor(0x8086).device(0x28c0).klass(0x010400).driver("vmd").iommuGroup(1).add();
        tree.pci("10000:00:02.0").parent("0000:00:0e.0").vendor(0x8086).device(0x347a).rootPort().secondaryBus(1)
                .driver("pcieport").iommuGroup(1).add();
        tree.pci("10000:01:00.0").parent("10000:00:02.0").vendor(0x144d).device(0xa80a).klass(0x010802).pcie()
                .driver("nvme").iommuGroup(1).add();
        tree.pci("10001:01:00.0").vendor(0x8086).device(0x0a54).klass(0x010802).pcie().driver("nvme").iommuGroup(2).add();
    }

    private CliRun run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--root");
        all.add(dir.toString());
        return CliRun.run(all.toArray(String[]::new));
    }

    @Test
    void listShowsTheVmdDrives() throws Exception {
        CliRun r = run("list");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("", r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(5, lines.size(), r.out());
        assertTrue(lines.get(3).startsWith("10000:01:00.0 ") && lines.get(3).contains(" [0108]: ")
                && lines.get(3).endsWith(" [144d:a80a]  driver=nvme group=1"), r.out());
        assertTrue(lines.get(4).startsWith("10001:01:00.0 "), r.out());
        JsonNode json = new ObjectMapper().readTree(run("list", "--json").out());
        assertEquals("10000:01:00.0", json.get("pci").get(3).get("address").asText());
        assertTrue(json.get("pci").get(3).get("warning").isNull());
    }

    @Test
    void showTakesEverySpellingOfAVmdDrive() throws Exception {
        for (String spelling : new String[] {"10000:01:00.0", "pci_10000_01_00_0", "010000:01:00.0"}) {
            CliRun r = run("show", spelling, "--json");
            assertEquals(0, r.exitCode(), spelling + ": " + r.out() + r.err());
            JsonNode j = new ObjectMapper().readTree(r.out());
            assertEquals("10000:01:00.0", j.get("address").asText());
            assertEquals("pci_10000_01_00_0", j.get("nodedev_name").asText());
            assertEquals("10000:00:02.0", j.get("parent").asText());
        }
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(run("show", "10000:01:00.0", "--xml").out().getBytes()));
        var x = XPathFactory.newInstance().newXPath();
        assertEquals("pci_10000_01_00_0", x.evaluate("/device/name", xml));
        assertEquals("pci_10000_00_02_0", x.evaluate("/device/parent", xml));
        assertEquals("65536", x.evaluate("/device/capability/domain", xml), "libvirt prints the domain in decimal");
        assertEquals("/sys/devices/pci0000:00/0000:00:0e.0/pci10000:00/10000:00:02.0/10000:01:00.0",
                x.evaluate("/device/path", xml));
        assertEquals("0x10000", x.evaluate("/device/capability/iommuGroup/address[3]/@domain", xml));
        Document root = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(run("show", "10000:00:02.0", "--xml").out().getBytes()));
        assertEquals("pci_0000_00_0e_0", x.evaluate("/device/parent", root), "the VMD is the parent of its domain's root bus");
        assertEquals("""
                <hostdev mode="subsystem" type="pci" managed="yes">
                  <source>
                    <address domain="0x10000" bus="0x01" slot="0x00" function="0x0"/>
                  </source>
                </hostdev>
                """, run("show", "10000:01:00.0", "--hostdev-xml").out());
    }

    @Test
    void showOfADriveBehindVmdNamesItsControllerAndSaysItIsNotAssignableAlone() {
        CliRun r = run("show", "10000:01:00.0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("  behind VMD:       0000:00:0e.0 (Intel VMD): not assignable alone; detach 0000:00:0e.0"
                + " itself to give a VM every device behind it\n"), r.out());
        assertTrue(r.out().contains("  group viable:     no: 10000:01:00.0 is behind Intel VMD 0000:00:0e.0 (detach the"
                + " controller instead)\n"), r.out());
        assertTrue(!run("show", "10001:01:00.0").out().contains("behind VMD"), "a domain under a host bridge is no VMD's");
    }

    @Test
    void showJsonNamesTheVmdControllerOrNull() throws Exception {
        JsonNode behind = new ObjectMapper().readTree(run("show", "10000:01:00.0", "--json").out());
        assertEquals("0000:00:0e.0", behind.get("behind_vmd").asText());
        JsonNode other = new ObjectMapper().readTree(run("show", "10001:01:00.0", "--json").out());
        assertTrue(other.has("behind_vmd") && other.get("behind_vmd").isNull(), other.toString());
    }

    @Test
    void unreadableEntriesAreListedWithWhatCouldBeReadAndAWarning() throws Exception {
        Files.writeString(tree.pciDeviceDir("10001:01:00.0").resolve("class"), "zz\n");
        Files.createDirectory(tree.sysPath("bus/pci/devices/not-a-device"));
        Files.createSymbolicLink(tree.sysPath("bus/pci/devices/0000:00:04.0"), Path.of("../../../devices/pci0000:00/gone"));

        CliRun r = run("list");
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of(
                "0000:00:04.0 Class ???? [????]: Device [????:????]  driver=none group=none  unreadable: the link points "
                        + "to nothing (../../../devices/pci0000:00/gone)",
                "10001:01:00.0 Class ???? [????]: Device [8086:0a54]  driver=nvme group=2  unreadable: 'class' holds 'zz', "
                        + "not a class code",
                "not-a-device Class ???? [????]: Device [????:????]  driver=none group=none  unreadable: the name is not "
                        + "a PCI address as the kernel writes it (DDDD:BB:SS.F, lower-case hex); 'vendor' is missing or "
                        + "unreadable; 'device' is missing or unreadable; 'class' is missing or unreadable"),
                List.of(lines.get(1), lines.get(5), lines.get(6)), r.out());
        assertEquals(7, lines.size(), r.out());
        assertTrue(r.err().contains("hostdev: warning: cannot read /sys/bus/pci/devices/10001:01:00.0: 'class' holds 'zz', "
                + "not a class code\n"), r.err());
        assertEquals(3, r.err().lines().count(), r.err());

        CliRun j = run("list", "--json");
        assertEquals(0, j.exitCode(), j.err());
        JsonNode pci = new ObjectMapper().readTree(j.out()).get("pci");
        assertEquals(7, pci.size());
        assertEquals(new ObjectMapper().readTree("""
                {"address":"10001:01:00.0","nodedev_name":"pci_10001_01_00_0","vendor_id":"0x8086","device_id":"0x0a54",
                 "class":null,"revision":"0x00","driver":"nvme","iommu_group":2,"numa_node":null,"vendor_name":null,
                 "device_name":null,"class_name":null,"kernel_modules":null,
                 "warning":"cannot read /sys/bus/pci/devices/10001:01:00.0: 'class' holds 'zz', not a class code"}"""),
                pci.get(5));
        assertTrue(pci.get(6).get("address").isNull());
        assertTrue(pci.get(6).get("nodedev_name").isNull());
        assertTrue(pci.get(6).get("warning").asText().startsWith("cannot read /sys/bus/pci/devices/not-a-device: "));
        List<String> keys = new ArrayList<>();
        pci.get(0).fieldNames().forEachRemaining(keys::add);
        for (JsonNode d : pci) {
            List<String> k = new ArrayList<>();
            d.fieldNames().forEachRemaining(k::add);
            assertEquals(keys, k, "every entry has the same keys");
        }
    }

    @Test
    void aVmdDriveDetachesReattachesAndGoesToQemuBySysfsPath() throws Exception {
        tree.pciDriver("vfio-pci");
        SimulatedKernel kernel = new SimulatedKernel(dir);
        Function<HostRoot, AttributeWriter> saved = DetachCommandSupport.kernel;
        DetachCommandSupport.kernel = r -> kernel;
        try {
            CliRun dry = run("detach", "pci_10001_01_00_0", "--dry-run");
            assertEquals(0, dry.exitCode(), dry.err());
            assertEquals("""
                    # 10001:01:00.0: driver vfio-pci (no variant driver known: no readable /proc/sys/kernel/osrelease)
                    write /sys/bus/pci/devices/10001:01:00.0/driver_override vfio-pci
                    write /sys/bus/pci/drivers/nvme/unbind 10001:01:00.0
                    write /sys/bus/pci/drivers_probe 10001:01:00.0
                    """, dry.out());
            CliRun detach = run("detach", "10001:01:00.0", "--json");
            assertEquals(0, detach.exitCode(), detach.out() + detach.err());
            assertEquals("vfio-pci", Files.readSymbolicLink(tree.pciDeviceDir("10001:01:00.0").resolve("driver"))
                    .getFileName().toString());
            assertTrue(Files.exists(dir.resolve("run/hostdev/devices/10001:01:00.0.json")), "the record is named by the address");
            JsonNode shown = new ObjectMapper().readTree(run("show", "10001:01:00.0", "--json").out());
            assertEquals("nvme", shown.get("original_driver").asText());
            CliRun reattach = run("reattach", "pci_10001_01_00_0");
            assertEquals(0, reattach.exitCode(), reattach.out() + reattach.err());
            assertEquals("nvme", Files.readSymbolicLink(tree.pciDeviceDir("10001:01:00.0").resolve("driver"))
                    .getFileName().toString());
        } finally {
            DetachCommandSupport.kernel = saved;
        }
    }

    @Test
    void aSpecNamesAVmdDriveAndQemuGetsItBySysfsdev() throws Exception {
        tree.pciDriver("vfio-pci");
        Path spec = dir.resolve("nas.toml");
        Files.writeString(spec, """
                name = "nas"
                accel = "tcg"
                kernel = "/boot/vmlinuz"
                [[hostdev]]
                pci = "10001:01:00.0"
                """);
        CliRun r = run("vm", "cmdline", spec.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("  -device vfio-pci,sysfsdev=/sys/bus/pci/devices/10001:01:00.0,id=hostdev0,"), r.out());
        assertTrue(r.out().contains("#   write /sys/bus/pci/devices/10001:01:00.0/driver_override vfio-pci\n"), r.out());
    }

    @Test
    void aGroupWithAnUnreadableMemberIsNotCalledViable() throws Exception {
        tree.pciDriver("vfio-pci");
        tree.pci("10001:01:00.1").vendor(0x8086).device(0x0a54).klass(0x010802).pcie().driver("nvme").iommuGroup(2).add();
        Files.writeString(tree.pciDeviceDir("10001:01:00.1").resolve("class"), "zz\n");
        SimulatedKernel kernel = new SimulatedKernel(dir);
        Function<HostRoot, AttributeWriter> saved = DetachCommandSupport.kernel;
        DetachCommandSupport.kernel = r -> kernel;
        try {
            for (String[] args : new String[][] {{"detach", "10001:01:00.0", "--dry-run"},
                {"detach", "10001:01:00.0", "--group", "--dry-run"}, {"detach", "10001:01:00.0"}}) {
                CliRun r = run(args);
                assertEquals(12, r.exitCode(), String.join(" ", args) + ": " + r.out() + r.err());
                assertTrue(r.err().startsWith("hostdev: PCI device 10001:01:00.1 is listed in /sys/bus/pci/devices but "
                        + "cannot be read: 'class' holds 'zz'"), r.err());
            }
            assertEquals(List.of(), kernel.writes());
        } finally {
            DetachCommandSupport.kernel = saved;
        }
    }

    @Test
    void showOfAnUnreadableDeviceSaysWhatIsWrongAndWhatWasRead() throws Exception {
        Files.writeString(tree.pciDeviceDir("10001:01:00.0").resolve("class"), "zz\n");
        CliRun r = run("show", "10001:01:00.0");
        assertEquals(12, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().startsWith("hostdev: PCI device 10001:01:00.0 is listed in /sys/bus/pci/devices but cannot "
                + "be read: 'class' holds 'zz', not a class code (read: vendor 8086, device 0a54, class unknown, "
                + "revision 00, driver nvme, IOMMU group 2)\n"), r.err());
        JsonNode j = new ObjectMapper().readTree(run("show", "10001:01:00.0", "--json").out());
        assertEquals("environment", j.get("error").get("code").asText());
        assertTrue(j.get("error").get("message").asText().contains("driver nvme"));
        assertEquals(12, run("show", "10001:01:00.0", "--hostdev-xml").exitCode());
        assertEquals(12, run("detach", "10001:01:00.0", "--dry-run").exitCode());
    }
}
