package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupsCommandTest {
    @TempDir
    Path dir;

    @Test
    void textShowsEachGroupItsMembersAndItsBlockers() {
        MiniIds.install(SampleHosts.workstation(dir));
        CliRun r = CliRun.run("groups", "--root", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = r.out().lines().toList();
        int g14 = lines.indexOf("IOMMU group 14: not viable: 0000:01:00.0 is still bound to nouveau, "
                + "0000:01:00.1 is still bound to snd_hda_intel");
        assertTrue(g14 >= 0, r.out());
        assertTrue(lines.get(g14 + 1).startsWith("  0000:01:00.0 VGA compatible controller [0300]"), r.out());
        assertTrue(lines.get(g14 + 2).startsWith("  0000:01:00.1 Audio device [0403]"), r.out());
        assertTrue(lines.contains("IOMMU group 0: not assignable: 0000:00:00.0 is a host bridge (class 0x0600) "
                + "(only 'detach --force' would take it)"), r.out());
        assertTrue(lines.contains("IOMMU group 1: not assignable: 0000:00:02.0 is the boot VGA device (boot_vga reads 1) "
                + "(only 'detach --force' would take it)"), r.out());
        assertTrue(lines.contains("IOMMU group 2: viable"), "a root port on pcieport");
        assertTrue(lines.contains("IOMMU group 5: not viable: 0000:04:01.0 is still bound to e1000"), r.out());
    }

    @Test
    void jsonGroupsWithViabilityBlockersAndDevices() throws Exception {
        SysfsTree t = MiniIds.install(SampleHosts.workstation(dir));
        t.bind("04:01.0", "vfio-pci");
        JsonNode j = new ObjectMapper().readTree(CliRun.run("groups", "--root", dir.toString(), "--json").out());
        assertTrue(j.get("iommu_enabled").asBoolean());
        assertEquals(12, j.get("groups").size());
        JsonNode g5 = null;
        for (JsonNode g : j.get("groups")) {
            if (g.get("number").asInt() == 5) {
                g5 = g;
            }
        }
        assertTrue(g5.get("viable").asBoolean(), "pcie-pci-bridge, a device on vfio-pci, a driverless one");
        assertEquals(0, g5.get("blockers").size());
        assertEquals(3, g5.get("devices").size());
        assertTrue(g5.get("devices").get(0).get("bridge").asBoolean());
        assertEquals("vfio-pci", g5.get("devices").get(1).get("driver").asText());
        JsonNode g14 = j.get("groups").get(8);
        assertEquals(14, g14.get("number").asInt());
        assertFalse(g14.get("viable").asBoolean());
        assertEquals("[{\"address\":\"0000:01:00.0\",\"driver\":\"nouveau\"},{\"address\":\"0000:01:00.1\","
                + "\"driver\":\"snd_hda_intel\"}]", g14.get("blockers").toString());
    }

    @Test
    void groupsTheHostKeepsAreNotAssignableWithTheReasonAndDetachRefusesThem() throws Exception {
        SysfsTree t = SampleHosts.workstation(dir);
        t.pci("0000:00:1e.6").vendor(0x8086).device(0xa3a2).klass(0x080020).iommuGroup(30).add();
        t.pci("0000:00:00.2").vendor(0x1022).device(0x1481).klass(0x080600).iommuGroup(31).add();
        t.pci("0000:00:1d.0").vendor(0x8086).device(0x0b23).klass(0x080700).iommuGroup(32).add();
        String out = CliRun.run("groups", "--root", dir.toString(), "--json").out();
        JsonSchemas.assertValid("groups", out, "groups --json");
        JsonNode j = new ObjectMapper().readTree(out);
        java.util.Map<Integer, JsonNode> byNumber = new java.util.HashMap<>();
        j.get("groups").forEach(g -> byNumber.put(g.get("number").asInt(), g));
        assertEquals("[{\"address\":\"0000:00:00.0\",\"kind\":\"host_bridge\",\"description\":\"0000:00:00.0 is a host "
                + "bridge (class 0x0600)\",\"overridable\":true}]", byNumber.get(0).get("host_keeps").toString());
        assertFalse(byNumber.get(0).get("assignable").asBoolean());
        assertTrue(byNumber.get(0).get("viable").asBoolean(), "viable still says what the drivers allow");
        assertEquals("boot_vga", byNumber.get(1).get("host_keeps").get(0).get("kind").asText());
        for (int g : List.of(30, 31, 32)) {
            assertFalse(byNumber.get(g).get("assignable").asBoolean(), "group " + g);
            assertEquals("platform_function", byNumber.get(g).get("host_keeps").get(0).get("kind").asText());
            assertFalse(byNumber.get(g).get("host_keeps").get(0).get("overridable").asBoolean());
        }
        assertTrue(byNumber.get(32).get("host_keeps").get(0).get("description").asText().contains("event collector"));
        for (int g : List.of(2, 5, 14)) {
            assertTrue(byNumber.get(g).get("assignable").asBoolean(), "group " + g);
            assertEquals(0, byNumber.get(g).get("host_keeps").size());
        }
        String text = CliRun.run("groups", "--root", dir.toString()).out();
        assertTrue(text.contains("IOMMU group 30: not assignable: 0000:00:1e.6 is part of the platform (interrupt controller: "
                + "PIC/IOAPIC, class 0x0800)\n"), text);
        // every group the host keeps is one detach refuses; the platform's own functions even with --force
        for (JsonNode g : j.get("groups")) {
            for (JsonNode k : g.get("host_keeps")) {
                CliRun detach = CliRun.run("detach", "--dry-run", "--root", dir.toString(), k.get("address").asText());
                assertEquals(5, detach.exitCode(), k + ": " + detach.out() + detach.err());
                if (k.get("kind").asText().equals("platform_function")) {
                    CliRun forced = CliRun.run("detach", "--dry-run", "--force", "--root", dir.toString(),
                            k.get("address").asText());
                    assertEquals(5, forced.exitCode(), k + ": " + forced.out() + forced.err());
                }
            }
        }
    }

    @Test
    void noIommuSaysSo() throws Exception {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("00:02.0").driver("virtio-pci").add();
        CliRun r = CliRun.run("groups", "--root", dir.toString());
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("No IOMMU groups: the IOMMU is off or absent"), r.out());
        assertEquals("{\"iommu_enabled\":false,\"groups\":[]}\n",
                CliRun.run("groups", "--root", dir.toString(), "--json").out());
    }
}
