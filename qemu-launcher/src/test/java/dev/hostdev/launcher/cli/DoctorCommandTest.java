package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
    @TempDir
    Path tmp;

    /** Removes the /dev/null stand-ins for device nodes before JUnit cleans the tree up. */
    @AfterEach
    void removeLinksOutOfTheTree() throws IOException {
        for (String node : new String[] {"dev/kvm", "dev/vfio/vfio"}) {
            Files.deleteIfExists(tmp.resolve(node));
        }
    }

    private void write(String hostPath, String content) throws IOException {
        Path p = tmp.resolve(hostPath.substring(1));
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private void link(String hostPath, String target) throws IOException {
        Path p = tmp.resolve(hostPath.substring(1));
        Files.createDirectories(p.getParent());
        Files.createSymbolicLink(p, Path.of(target));
    }

    /** A host ready for passthrough: VT-x, KVM, IOMMU with interrupt remapping, vfio loaded, no limits. */
    private void readyHost() throws IOException {
        write("/proc/cpuinfo", "vendor_id\t: GenuineIntel\nflags\t\t: vmx\n");
        link("/dev/kvm", "/dev/null");
        write("/proc/cmdline", "root=/dev/sda1 intel_iommu=on iommu=pt\n");
        Files.createDirectories(tmp.resolve("sys/class/iommu/dmar0"));
        Files.createDirectories(tmp.resolve("sys/kernel/iommu_groups/0/devices"));
        write("/proc/interrupts", " 24: 0 IR-PCI-MSI 327680-edge xhci_hcd\n");
        write("/proc/sys/kernel/osrelease", "6.1.0-56-amd64\n");
        write("/proc/modules", "vfio_pci 1 0 - Live 0x0\nvfio_iommu_type1 1 0 - Live 0x0\nvfio 1 2 - Live 0x0\n");
        link("/dev/vfio/vfio", "/dev/null");
        write("/proc/self/limits", "Max locked memory         unlimited            unlimited            bytes\n");
        write("/proc/self/status", "CapEff:\t0000000000000000\n");
    }

    private static Map<String, JsonNode> byId(JsonNode report) {
        Map<String, JsonNode> m = new HashMap<>();
        report.get("checks").forEach(c -> m.put(c.get("id").asText()
                + (c.get("device").isNull() ? "" : "@" + c.get("device").asText()), c));
        return m;
    }

    @Test
    void readyHostExitsZeroAndPrintsOneLinePerCheck() throws IOException {
        readyHost();
        CliRun r = CliRun.run("doctor", "--root", tmp.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("ok    iommu "), r.out());
        assertTrue(r.out().contains("n-a   selinux "), r.out());
        assertTrue(r.out().strip().endsWith("0 fail, 6 n-a"), r.out());
        assertFalse(r.out().contains("fix:"), "nothing to fix on a ready host: " + r.out());
    }

    @Test
    void emptyTreeFailsWithTheEnvironmentStatusAndPrintsFixes() {
        CliRun r = CliRun.run("doctor", "--root", tmp.toString());
        assertEquals(12, r.exitCode());
        assertTrue(r.out().contains("fail  iommu"), r.out());
        assertTrue(r.out().contains("fix: enable VT-d"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void jsonListsEveryCheckWithStatusFoundAndFix() throws IOException {
        CliRun r = CliRun.run("doctor", "--json", "--root", tmp.toString());
        assertEquals(12, r.exitCode());
        JsonNode report = new ObjectMapper().readTree(r.out());
        Map<String, JsonNode> checks = byId(report);
        for (String id : new String[] {"cpu-virtualization", "kvm", "iommu", "interrupt-remapping", "xen",
            "vfio-modules", "vfio-container", "vfio-api", "memlock", "placement", "vfio-group-access", "selinux", "apparmor"}) {
            assertTrue(checks.containsKey(id), "check " + id + " in " + r.out());
        }
        assertEquals("fail", checks.get("iommu").get("status").asText());
        assertTrue(checks.get("iommu").get("fix").asText().contains("intel_iommu=on"));
        assertEquals("n-a", checks.get("vfio-api").get("status").asText());
        assertTrue(report.get("summary").get("fail").asInt() >= 1);
    }

    @Test
    void deviceChecksRunForEachDeviceNamed() throws IOException {
        readyHost();
        write("/sys/devices/pci0000:00/0000:00:03.0/class", "0x020000\n");
        write("/sys/devices/pci0000:00/0000:00:03.0/vendor", "0x8086\n");
        write("/sys/devices/pci0000:00/0000:00:03.0/device", "0x100e\n");
        write("/sys/devices/pci0000:00/0000:00:03.0/reset_method", "flr\n");
        link("/sys/bus/pci/devices/0000:00:03.0", "../../../devices/pci0000:00/0000:00:03.0");
        Files.createDirectories(tmp.resolve("sys/kernel/iommu_groups/3/devices"));
        link("/sys/devices/pci0000:00/0000:00:03.0/iommu_group", "../../../kernel/iommu_groups/3");
        link("/sys/kernel/iommu_groups/3/devices/0000:00:03.0", "../../../../devices/pci0000:00/0000:00:03.0");
        CliRun r = CliRun.run("doctor", "--json", "--root", tmp.toString(), "pci_0000_00_03_0");
        assertEquals(0, r.exitCode(), r.out());
        Map<String, JsonNode> checks = byId(new ObjectMapper().readTree(r.out()));
        assertEquals("ok", checks.get("iommu-group@0000:00:03.0").get("status").asText());
        assertEquals("reset methods: flr", checks.get("reset-method@0000:00:03.0").get("found").asText());
        assertEquals("warn", checks.get("vfio-group-access").get("status").asText(), "/dev/vfio/3 is not there yet");
    }

    @Test
    void unknownDeviceIsNotFound() {
        CliRun r = CliRun.run("doctor", "--root", tmp.toString(), "03:00.0");
        assertEquals(3, r.exitCode());
        assertTrue(r.err().startsWith("hostdev: no PCI device 0000:03:00.0"), r.err());
    }

    @Test
    void badDeviceSpellingIsAUsageError() {
        assertEquals(2, CliRun.run("doctor", "--root", tmp.toString(), "../../etc").exitCode());
    }

    @Test
    void unknownUserIsAUsageErrorInJsonToo() throws IOException {
        write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n");
        CliRun r = CliRun.run("doctor", "--json", "--root", tmp.toString(), "--user", "qemu");
        assertEquals(2, r.exitCode());
        assertEquals("usage", new ObjectMapper().readTree(r.out()).get("error").get("code").asText());
    }

    @Test
    void specMemoryIsComparedWithTheLimit() throws IOException {
        readyHost();
        write("/proc/self/limits", "Max locked memory         65536                65536                bytes\n");
        Path spec = tmp.resolve("vm.toml");
        Files.writeString(spec, "name = \"router\"\nmemory = \"2G\"\n");
        CliRun r = CliRun.run("doctor", "--json", "--root", tmp.toString(), "--spec", spec.toString());
        assertEquals(12, r.exitCode());
        JsonNode memlock = byId(new ObjectMapper().readTree(r.out())).get("memlock");
        assertEquals("fail", memlock.get("status").asText());
        assertTrue(memlock.get("found").asText().contains("needs at least 3 GiB"), memlock.toString());
    }

    @Test
    void specHostdevsAreCheckedWhenNoDeviceIsNamed() throws IOException {
        readyHost();
        dev.hostdev.engine.testing.SysfsTree.create(tmp).pci("0000:03:00.0").klass(0x020000).driver("e1000e")
                .iommuGroup(12).resetMethods("flr").add();
        Path spec = tmp.resolve("vm.toml");
        Files.writeString(spec, "name = \"router\"\nmemory = \"1G\"\n[[hostdev]]\npci = \"03:00.0\"\n");
        CliRun r = CliRun.run("doctor", "--json", "--root", tmp.toString(), "--spec", spec.toString());
        Map<String, JsonNode> checks = byId(new ObjectMapper().readTree(r.out()));
        assertEquals("ok", checks.get("reset-method@0000:03:00.0").get("status").asText(), r.out());
    }

    @Test
    void everyFunctionOfAWholeSlotIsChecked() throws IOException {
        readyHost();
        dev.hostdev.engine.testing.SysfsTree.create(tmp).pci("0000:01:00.0").klass(0x030000).driver("nouveau")
                .iommuGroup(14).resetMethods("flr").add()
                .pci("0000:01:00.1").klass(0x040300).driver("snd_hda_intel").iommuGroup(14).resetMethods("flr").add();
        Path spec = tmp.resolve("vm.toml");
        Files.writeString(spec, "name = \"gpu\"\nmemory = \"1G\"\n[[hostdev]]\npci = \"01:00.0\"\nfunctions = \"all\"\n");
        CliRun r = CliRun.run("doctor", "--json", "--root", tmp.toString(), "--spec", spec.toString());
        Map<String, JsonNode> checks = byId(new ObjectMapper().readTree(r.out()));
        assertTrue(checks.containsKey("reset-method@0000:01:00.0"), r.out());
        assertTrue(checks.containsKey("reset-method@0000:01:00.1"), "function 1 comes with functions = \"all\": " + r.out());
    }

    /** Runs against this machine, read-only, and checks the report against what its files say. */
    @Test
    void realHostReportMatchesItsFiles() throws IOException {
        CliRun r = CliRun.run("doctor", "--json", "--root", "/");
        JsonNode report = new ObjectMapper().readTree(r.out());
        Map<String, JsonNode> checks = byId(report);
        boolean anyFail = report.get("summary").get("fail").asInt() > 0;
        assertEquals(anyFail ? 12 : 0, r.exitCode(), r.out());

        String cpuinfo = Files.exists(Path.of("/proc/cpuinfo")) ? Files.readString(Path.of("/proc/cpuinfo")) : "";
        boolean hwVirt = cpuinfo.lines().anyMatch(l -> l.startsWith("flags")
                && (l.matches(".*\\bvmx\\b.*") || l.matches(".*\\bsvm\\b.*")));
        boolean kvm = Files.exists(Path.of("/dev/kvm"));
        assertEquals(hwVirt || kvm ? "ok" : "warn", checks.get("cpu-virtualization").get("status").asText());
        assertEquals(kvm ? "ok" : "warn", checks.get("kvm").get("status").asText());

        Path groups = Path.of("/sys/kernel/iommu_groups");
        boolean iommu = Files.isDirectory(groups) && Files.list(groups).findAny().isPresent()
                && Files.list(Path.of("/sys/class/iommu")).findAny().isPresent();
        assertEquals(iommu ? "ok" : "fail", checks.get("iommu").get("status").asText());
        if (!iommu) {
            assertEquals("n-a", checks.get("interrupt-remapping").get("status").asText());
        }
        boolean container = Files.exists(Path.of("/dev/vfio/vfio"));
        if (!container) {
            assertEquals("n-a", checks.get("vfio-api").get("status").asText());
            assertTrue(checks.get("vfio-container").get("found").asText().startsWith("no /dev/vfio/vfio"));
        }
        boolean selinux = Files.exists(Path.of("/sys/fs/selinux/enforce"));
        assertEquals(selinux, !checks.get("selinux").get("status").asText().equals("n-a"));
        boolean xen = Files.exists(Path.of("/proc/xen"));
        assertEquals(xen ? "warn" : "n-a", checks.get("xen").get("status").asText());
    }
}
