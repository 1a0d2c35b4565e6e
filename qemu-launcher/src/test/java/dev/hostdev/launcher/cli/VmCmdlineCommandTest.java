package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.cmdline.QemuCapabilities;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmCmdlineCommandTest {
    @TempDir
    Path root;
    Path spec;

    @BeforeEach
    void hostWithOneNic() throws IOException {
        SysfsTree.create(root).pciDriver("ixgbe").pciDriver("vfio-pci")
                .pci("0000:03:00.0").vendor(0x8086).device(0x1572).pcie().driver("ixgbe").iommuGroup(12).add();
        spec = root.resolve("router, v2.toml");
        Files.writeString(spec, """
                name = "router"
                accel = "tcg"
                spare_root_ports = 1
                append = "console=ttyS0 root='/dev/vda'"
                kernel = "/boot/vmlinuz"
                [[hostdev]]
                pci = "03:00.0"
                expect = "8086:1572"
                """);
    }

    @Test
    void printsAPasteableCommandLineAndTheDetachPlan() throws Exception {
        CliRun run = CliRun.run("vm", "cmdline", spec.toString(), "--root", root.toString());
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out();
        assertTrue(out.contains("  -device vfio-pci,host=0000:03:00.0,id=hostdev0,bus=pci.1,addr=0x0\n\n"), out);
        assertTrue(out.contains("#   pci.1   pcie.0:0x1     hostdev  hostdev0"), out);
        assertTrue(out.contains("#   pci.2   pcie.0:0x1.0x1 spare    free"), out);
        assertTrue(out.contains("#   0000:03:00.0  hostdev0   now on ixgbe -> vfio-pci"), out);
        assertTrue(out.contains("#   write /sys/bus/pci/devices/0000:03:00.0/driver_override vfio-pci\n"
                + "#   write /sys/bus/pci/drivers/ixgbe/unbind 0000:03:00.0\n"
                + "#   write /sys/bus/pci/drivers_probe 0000:03:00.0\n"), out);
        assertTrue(out.contains("#   0000:03:00.0 (hostdev0) is present with IDs 8086:1572: ok\n"), out);
        assertTrue(out.contains("#   kernel /boot/vmlinuz exists: "), out);

        // Paste the command into a shell with printf in place of QEMU: the shell must see exactly the plan's arguments.
        String command = out.substring(out.indexOf('\n') + 1, out.indexOf("\n\n"));
        String script = "printf '%s\\n' " + command.substring(command.indexOf(' ') + 1);
        List<String> fromShell = shell(script);
        CliRun json = CliRun.run("vm", "cmdline", spec.toString(), "--root", root.toString(), "--json");
        JsonNode plan = new ObjectMapper().readTree(json.out());
        List<String> argv = new ArrayList<>();
        plan.get("argv").forEach(a -> argv.add(a.asText()));
        assertEquals(argv.subList(1, argv.size()), fromShell);
        assertTrue(argv.contains("console=ttyS0 root='/dev/vda'"));
        assertEquals(root.resolve("run/hostdev/vms/router/qmp.sock").toString(), plan.get("qmp_socket").asText(),
                "the runtime directory is under --root");
        assertEquals("0000:03:00.0", plan.get("managed").get(0).get("address").asText());
        assertEquals("hostdev0", plan.get("topology").get("root_ports").get(0).get("device").asText());
        assertEquals("write /sys/bus/pci/drivers/ixgbe/unbind 0000:03:00.0", plan.get("detach_plan").get(1).asText());
        assertTrue(plan.get("preflight").get(0).get("ok").asBoolean(), plan.get("preflight").toString());
    }

    @Test
    void pausedAddsS() {
        CliRun run = CliRun.run("vm", "cmdline", spec.toString(), "--root", root.toString(), "--paused");
        assertTrue(run.out().contains("\n  -S \\\n"), run.out());
    }

    @Test
    void specErrorsNameTheLineAndExitWithUsage() throws IOException {
        Files.writeString(spec, "name = \"r\"\n[[hostdev]]\npci = \"03:00.0\"\nmanagd = false\n");
        CliRun run = CliRun.run("vm", "cmdline", spec.toString(), "--root", root.toString());
        assertEquals(2, run.exitCode());
        assertTrue(run.err().startsWith("hostdev: " + spec + ":4: hostdev[0].managd is not a known key of hostdev\nhint: did you mean 'managed'? known keys here: "),
                run.err());
        CliRun json = CliRun.run("vm", "cmdline", spec.toString(), "--root", root.toString(), "--json");
        assertTrue(json.out().contains("\"code\":\"usage\""), json.out());
    }

    @Test
    void missingSpecIsNotFound() {
        CliRun run = CliRun.run("vm", "cmdline", root.resolve("none.toml").toString(), "--root", root.toString());
        assertEquals(3, run.exitCode(), run.err());
    }

    @Test
    void aModelQemuLacksIsAnEnvironmentError() throws IOException {
        Assumptions.assumeTrue(QemuCapabilities.resolve(Path.of("qemu-system-x86_64")).isPresent(), "qemu-system-x86_64 not installed");
        Files.writeString(spec, "name = \"r\"\n[[device]]\nmodel = \"e1000zz\"\n");
        CliRun run = CliRun.run("vm", "cmdline", spec.toString(), "--root", root.toString());
        assertEquals(12, run.exitCode(), run.err());
        assertTrue(run.err().contains("has no device e1000zz"), run.err());
    }

    private List<String> shell(String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }
}
