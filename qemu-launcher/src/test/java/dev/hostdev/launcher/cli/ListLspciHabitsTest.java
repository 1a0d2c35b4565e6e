package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code list -s}, {@code -d}, {@code -k} and {@code --tree} behave as lspci's: the same devices
 * selected, the same "Kernel driver in use", the same tree drawn character for character, the same
 * selectors refused, checked against lspci itself reading the same generated trees
 * ({@code lspci -O sysfs.path=DIR/sys/bus/pci}).
 */
class ListLspciHabitsTest {
    private static final List<String> SLOTS = List.of("", ":", "::", "*", "*:*:*.*", "01:", "02:", "1c", "1c.4", ".1",
            ".0", "00:1c", "0000:00:", "0001:", "0001:00:00.0", "abcd:ff:1f.7", "*:*:1f.7", "ff:", "1f.7", "04:01",
            "10", "0:0:0.0", "7fffffff::", "00:1c.", "1c.*", "*.1", "02:10.2");
    private static final List<String> BAD_SLOTS = List.of("100:", "20", "00:1c.8", "1:2:3:4", "z", "80000000::", "7fffffff:",
            "1c.4.1", "0000:00:1c.0x", "-1");
    private static final List<String> IDS = List.of(":", "8086:", ":10ca", "8086:10c9", "1af4:", "::0200", "::02xx",
            "::0cxx", "::0c03:30", "8086::0600", "::06", "*:*", "ffff:ffff", "::xx00", "10de::03xx");
    private static final List<String> BAD_IDS = List.of("8086", "10000:", ":1:2:3:4", "g:", "::10000", "::0c03:100",
            "::0c03:x0");

    @TempDir
    Path dir;

    @Test
    void workstation() throws Exception {
        SampleHosts.workstation(dir);
        sameAsLspci();
    }

    @Test
    void generatedServerWithTwoDomains() throws Exception {
        GeneratedHosts.sriovServer(dir, 150, 5);
        sameAsLspci();
    }

    @Test
    void oddDevicesAndADomainAboveTheFirst() throws Exception {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("0000:00:00.0").vendor(0xffff).device(0xffff).klass(0xffffff).revision(0xff).add();
        t.pci("0000:00:01.0").vendor(0x1234).device(0x0001).klass(0x000000).add();
        t.pci("0000:00:1f.7").vendor(0x8086).device(0x0001).klass(0x0c0330).revision(0x10).driver("xhci_hcd").add();
        t.pci("abcd:ff:1f.7").vendor(0x1af4).device(0x1041).klass(0x020000).revision(1).add();
        sameAsLspci();
    }

    @Test
    void kernelModulesFromTheModaliasAndModulesAliasUnderTheRoot() throws Exception {
        SysfsTree t = SampleHosts.workstation(dir);
        t.file("/proc/sys/kernel/osrelease", "6.1.0-test-amd64\n");
        t.file("/sys/devices/pci0000:00/0000:00:1c.4/0000:02:00.0/modalias",
                "pci:v00008086d000010C9sv00008086sd0000A03Cbc02sc00i00\n");
        t.file("/sys/devices/pci0000:00/0000:00:14.0/modalias", "pci:v00008086d0000A36Dsv00000000sd00000000bc0Csc03i30\n");
        t.file("/lib/modules/6.1.0-test-amd64/modules.alias", """
                # Aliases extracted from modules themselves.
                alias pci:v00008086d000010C9sv*sd*bc*sc*i* igb
                alias pci:v00008086d000010C9sv*sd*bc*sc*i* igb
                alias pci:v*d*sv*sd*bc02sc00i* fake_any_ethernet
                alias pci:v00008086d000010[A-D]9sv*sd*bc*sc*i* igb_range
                alias usb:v046DpC52Bd*dc*dsc*dp*ic*isc*ip*in* not_pci
                alias pci:v00008086d0000A36Dsv*sd*bc*sc*i* xhci_pci_renesas_not
                """.replace("xhci_pci_renesas_not", "xhci_pci"));
        t.file("/lib/modules/6.1.0-test-amd64/modules.builtin.alias",
                "alias pci:v*d*sv*sd*bc0Csc03i30* xhci_builtin\nalias pci:v*d*sv*sd*bc02sc00i* never_as_modules_match\n");
        CliRun r = CliRun.run("list", "-k", "-s", "02:00.0", "--root", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("\tKernel driver in use: igb\n\tKernel modules: igb, fake_any_ethernet, igb_range\n",
                r.out().substring(r.out().indexOf('\n') + 1));
        CliRun xhci = CliRun.run("list", "-k", "-s", "14.0", "--json", "--root", dir.toString());
        JsonSchemas.assertValid("list", xhci.out(), "list -k --json");
        JsonNode d = new ObjectMapper().readTree(xhci.out()).get("pci").get(0);
        assertEquals("[\"xhci_pci\"]", d.get("kernel_modules").toString());
        CliRun plain = CliRun.run("list", "--json", "--root", dir.toString());
        assertTrue(new ObjectMapper().readTree(plain.out()).get("pci").get(0).get("kernel_modules").isNull());
    }

    @Test
    void lspciOptionsAreRefusedForUsbAndTreeHasNoJson() {
        SampleHosts.workstation(dir);
        assertEquals(2, CliRun.run("list", "--usb", "-s", "01:", "--root", dir.toString()).exitCode());
        assertEquals(2, CliRun.run("list", "--tree", "--json", "--root", dir.toString()).exitCode());
    }

    private void sameAsLspci() throws Exception {
        String sysfs = "sysfs.path=" + dir.resolve("sys/bus/pci");
        for (String s : SLOTS) {
            assertEquals(lspciAddresses(sysfs, "-s", s), ours("-s", s), "-s '" + s + "'");
            assertEquals(lspci("-O", sysfs, "-t", "-s", s), hostdev("list", "--tree", "-s", s).out(), "-t -s '" + s + "'");
        }
        for (String s : BAD_SLOTS) {
            assertRefusedByBoth(sysfs, "-s", s);
        }
        for (String d : IDS) {
            assertEquals(lspciAddresses(sysfs, "-d", d), ours("-d", d), "-d '" + d + "'");
            assertEquals(lspci("-O", sysfs, "-t", "-d", d), hostdev("list", "--tree", "-d", d).out(), "-t -d '" + d + "'");
        }
        for (String d : BAD_IDS) {
            assertRefusedByBoth(sysfs, "-d", d);
        }
        assertEquals(lspciAddresses(sysfs, "-s", "00:", "-d", "8086:"), ours("-s", "00:", "-d", "8086:"));
        assertEquals(lspci("-O", sysfs, "-t"), hostdev("list", "--tree").out());
        assertEquals(driversInUse(lspci("-O", sysfs, "-D", "-k")), driversInUse(hostdev("list", "-k").out()));
    }

    private void assertRefusedByBoth(String sysfs, String option, String value) throws Exception {
        assertNotEquals(0, lspciStatus("-O", sysfs, option, value), "lspci " + option + " '" + value + "'");
        CliRun r = hostdev("list", option, value);
        assertEquals(2, r.exitCode(), option + " '" + value + "': " + r.out());
        assertTrue(r.err().startsWith("hostdev: " + option + " '" + value + "': "), r.err());
    }

    /** Address to driver, from lspci -D -k's layout (ours prints the same lines under its own device lines). */
    private static Map<String, String> driversInUse(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        String current = null;
        for (String l : text.lines().toList()) {
            if (!l.startsWith("\t")) {
                current = l.substring(0, l.indexOf(' '));
                out.put(current, null);
            } else if (l.startsWith("\tKernel driver in use: ")) {
                out.put(current, l.substring("\tKernel driver in use: ".length()));
            }
        }
        return out;
    }

    private List<String> ours(String... selectors) throws Exception {
        String[] args = new String[selectors.length + 2];
        args[0] = "list";
        args[1] = "--json";
        System.arraycopy(selectors, 0, args, 2, selectors.length);
        CliRun r = hostdev(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r.out() + r.err());
        List<String> out = new ArrayList<>();
        for (JsonNode d : new ObjectMapper().readTree(r.out()).get("pci")) {
            out.add(d.get("address").asText());
        }
        return out;
    }

    private CliRun hostdev(String... args) {
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--root";
        all[args.length + 1] = dir.toString();
        return CliRun.run(all);
    }

    private static List<String> lspciAddresses(String sysfs, String... selectors) throws Exception {
        List<String> args = new ArrayList<>(List.of("-O", sysfs, "-D", "-n"));
        args.addAll(List.of(selectors));
        return lspci(args.toArray(String[]::new)).lines().map(l -> l.substring(0, l.indexOf(' '))).toList();
    }

    private static String lspci(String... args) throws IOException, InterruptedException {
        Process p = start(args);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "lspci finished");
        assertEquals(0, p.exitValue(), "lspci " + String.join(" ", args));
        return out;
    }

    private static int lspciStatus(String... args) throws IOException, InterruptedException {
        Process p = start(args);
        p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "lspci finished");
        return p.exitValue();
    }

    private static Process start(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("lspci"));
        cmd.addAll(List.of(args));
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/lspci")) || Files.isExecutable(Path.of("/bin/lspci")),
                "lspci is not installed (apt-get install pciutils)");
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }
}
