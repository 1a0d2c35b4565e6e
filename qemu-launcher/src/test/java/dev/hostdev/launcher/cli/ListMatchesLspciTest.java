package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.testing.GeneratedHosts;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostdev list} must list exactly the devices, IDs, classes and revisions {@code lspci -Dn}
 * lists: on this machine's real /sys (read only) and on generated trees, which lspci reads through
 * {@code -O sysfs.path=DIR/sys/bus/pci}. Each side is reduced to lspci -Dn's own line format.
 */
class ListMatchesLspciTest {
    @TempDir
    Path dir;

    @Test
    void realHost() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/sys/bus/pci/devices")), "this machine has no /sys/bus/pci");
        List<String> lspci = lspci();
        assertEquals(lspci, hostdev(Path.of("/")));
    }

    @Test
    void workstationTree() throws Exception {
        SampleHosts.workstation(dir);
        assertSame(dir);
    }

    @Test
    void sriovServerTreeWithTwoDomains() throws Exception {
        GeneratedHosts.sriovServer(dir, 200, 7);
        List<String> ours = assertSame(dir);
        assertTrue(ours.size() >= 200, "generated " + ours.size());
        assertTrue(ours.stream().anyMatch(l -> l.startsWith("0001:")));
    }

    @Test
    void oddDevices() throws Exception {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("0000:00:00.0").vendor(0xffff).device(0xffff).klass(0xffffff).revision(0xff).add();
        t.pci("0000:00:01.0").vendor(0x1234).device(0x0001).klass(0x000000).add();
        t.pci("0000:00:1f.7").vendor(0x8086).device(0x0001).klass(0x0c0330).revision(0x10).add();
        t.pci("abcd:ff:1f.7").vendor(0x1af4).device(0x1041).klass(0x020000).revision(1).add();
        assertSame(dir);
    }

    /**
     * Intel VMD: NVMe drives in domains 10000 and 10001 behind VMD controllers in domain 0000, beside
     * devices in 16-bit domains and at the 32-bit edge.
     */
    @Test
    void vmdDomainsAboveFfff() throws Exception {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("0000:00:00.0").vendor(0x8086).device(0x09a2).klass(0x060000).revision(4).add();
        t.pci("0000:00:0e.0").vendor(0x8086).device(0x28c0).klass(0x010400).revision(4).driver("vmd").add();
        t.pci("0000:64:05.5").vendor(0x8086).device(0x28c0).klass(0x010400).revision(4).driver("vmd").add();
        t.pci("10000:00:02.0").parent("0000:00:0e.0").vendor(0x8086).device(0x347a).rootPort().secondaryBus(1)
                .revision(4).driver("pcieport").add();
        t.pci("10000:01:00.0").parent("10000:00:02.0").vendor(0x144d).device(0xa80a).klass(0x010802).pcie()
                .driver("nvme").iommuGroup(40).add();
        t.pci("10001:00:03.0").parent("0000:64:05.5").vendor(0x8086).device(0x347b).rootPort().secondaryBus(1)
                .revision(4).driver("pcieport").add();
        t.pci("10001:01:00.0").parent("10001:00:03.0").vendor(0x8086).device(0x0a54).klass(0x010802).pcie()
                .driver("nvme").add();
        t.pci("ffff:00:00.0").vendor(0x1af4).device(0x1041).klass(0x020000).revision(1).add();
        t.pci("7fffffff:00:00.0").vendor(0x1af4).device(0x1041).klass(0x020000).revision(1).add();
        List<String> ours = assertSame(dir);
        assertEquals(9, ours.size());
        assertTrue(ours.get(3).startsWith("ffff:00:00.0 "), ours.toString());
        assertTrue(ours.get(4).startsWith("10000:00:02.0 "), ours.toString());
        assertTrue(ours.get(5).startsWith("10000:01:00.0 0108: 144d:a80a"), ours.toString());
    }

    /**
     * Domains from 80000000 up: the kernel's domain number is a C int and never gets there, and lspci
     * 3.9 refuses such a tree outright ("sysfs_scan: Invalid domain 80000000", exit 1, nothing listed).
     * Hostdev still lists every entry, in unsigned order.
     */
    @Test
    void domainsFromEightyMillionHexAreListedWhereLspciGivesUp() throws Exception {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("7fffffff:00:00.0").vendor(0x1af4).device(0x1041).klass(0x020000).revision(1).add();
        t.pci("80000000:00:00.0").vendor(0x1af4).device(0x1041).klass(0x020000).revision(1).add();
        t.pci("ffffffff:ff:1f.7").vendor(0x1af4).device(0x1041).klass(0x020000).revision(1).add();
        assertEquals(List.of("7fffffff:00:00.0 0200: 1af4:1041 (rev 01)", "80000000:00:00.0 0200: 1af4:1041 (rev 01)",
                "ffffffff:ff:1f.7 0200: 1af4:1041 (rev 01)"), hostdev(dir));
    }

    /**
     * Garbage lspci misreads: lspci 3.9 lists a {@code class} of {@code zz} as class 0000 and a {@code
     * vendor} of {@code zz} (config space unreadable) as vendor 0000. Hostdev lists the same functions, and
     * those two as unreadable, with the garbage named instead of a made-up ID. (Where lspci gives up on the
     * whole tree: a name that is not an address, a dangling link, a missing {@code class}, Hostdev still
     * lists every entry: see VmdAndUnreadableEntriesTest.)
     */
    @Test
    void garbageLspciMisreadsIsListedAsUnreadable() throws Exception {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("0000:00:01.0").vendor(0x1af4).device(0x1041).klass(0x020000).revision(1).add();
        t.pci("0000:00:03.0").vendor(0x1af4).device(0x1041).klass(0x020000).revision(1).add();
        Files.writeString(t.pciDeviceDir("0000:00:03.0").resolve("class"), "zz\n");
        t.pci("10000:00:04.0").vendor(0x1af4).device(0x1041).klass(0x020000).revision(1).add();
        Files.writeString(t.pciDeviceDir("10000:00:04.0").resolve("vendor"), "zz\n");
        Files.write(t.pciDeviceDir("10000:00:04.0").resolve("config"), new byte[0]);
        List<String> lspci = lspci("-O", "sysfs.path=" + dir.resolve("sys/bus/pci"));
        assertEquals(List.of("0000:00:01.0 0200: 1af4:1041 (rev 01)", "0000:00:03.0 0000: 1af4:1041 (rev 01)",
                "10000:00:04.0 0200: 0000:1041 (rev 01)"), lspci, "lspci 3.9 as measured; if this changes, so may the rest");
        CliRun r = CliRun.run("list", "--json", "--root", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> addresses = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (JsonNode d : new ObjectMapper().readTree(r.out()).get("pci")) {
            addresses.add(d.get("address").asText());
            warnings.add(d.get("warning").isNull() ? null : d.get("warning").asText());
        }
        assertEquals(lspci.stream().map(l -> l.substring(0, l.indexOf(' '))).toList(), addresses);
        assertEquals(java.util.Arrays.asList(null,
                "cannot read /sys/bus/pci/devices/0000:00:03.0: 'class' holds 'zz', not a class code",
                "cannot read /sys/bus/pci/devices/10000:00:04.0: 'vendor' holds 'zz', not a vendor ID"), warnings);
    }

    /** Every entry of /sys/bus/pci/devices is an entry of the list, on a big generated tree. */
    @Test
    void everyEntryIsAccountedFor() throws Exception {
        GeneratedHosts.sriovServer(dir, 300, 11);
        long entries;
        try (var names = Files.list(dir.resolve("sys/bus/pci/devices"))) {
            entries = names.count();
        }
        assertEquals(entries, hostdev(dir).size());
    }

    private List<String> assertSame(Path root) throws Exception {
        List<String> lspci = lspci("-O", "sysfs.path=" + root.resolve("sys/bus/pci"));
        List<String> ours = hostdev(root);
        assertEquals(lspci, ours);
        return ours;
    }

    /** {@code hostdev list --json} rendered as lspci -Dn lines: {@code 0000:00:02.0 0180: 1af4:1042 (rev 01)}. */
    private static List<String> hostdev(Path root) throws Exception {
        CliRun r = CliRun.run("list", "--json", "--root", root.toString());
        assertEquals(0, r.exitCode(), r.err());
        List<String> lines = new ArrayList<>();
        for (JsonNode d : new ObjectMapper().readTree(r.out()).get("pci")) {
            int klass = Integer.decode(d.get("class").asText());
            int rev = Integer.decode(d.get("revision").asText());
            lines.add(String.format("%s %04x: %s:%s%s", d.get("address").asText(), klass >>> 8,
                    d.get("vendor_id").asText().substring(2), d.get("device_id").asText().substring(2),
                    rev != 0 ? String.format(" (rev %02x)", rev) : ""));
        }
        return lines;
    }

    private static List<String> lspci(String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("lspci", "-Dn"));
        cmd.addAll(List.of(options));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            assumeTrue(false, "lspci is not installed (apt-get install pciutils): " + e.getMessage());
            throw e;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "lspci finished");
        assertEquals(0, p.exitValue(), "lspci exit status");
        return out.lines().toList();
    }
}
