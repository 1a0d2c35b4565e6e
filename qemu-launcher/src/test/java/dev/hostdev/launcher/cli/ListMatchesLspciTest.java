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
