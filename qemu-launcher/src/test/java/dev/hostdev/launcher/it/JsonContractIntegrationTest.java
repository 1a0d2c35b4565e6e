package dev.hostdev.launcher.it;

import static dev.hostdev.launcher.cli.JsonSchemas.assertValid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostdev.launcher.cli.CliRun;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM commands' {@code --json} on a real QEMU (TCG, no guest OS): each prints one compact line that its schema
 * in docs/schemas accepts. Every QEMU and supervisor started here is killed by pid afterwards.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JsonContractIntegrationTest {
    @TempDir
    Path root;

    private VmRuntimeDir dir;

    @RegisterExtension
    final StartedVms started = new StartedVms();

    private void check(String schema, int exit, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--json", "--root", root.toString()));
        CliRun r = CliRun.run(a.toArray(String[]::new));
        String what = "hostdev " + String.join(" ", args) + " --json";
        assertEquals(exit, r.exitCode(), what + ": " + r.out() + r.err());
        assertValid(schema, r.out(), what);
    }

    @Test
    void everyVmCommandPrintsItsDocumentedJson() throws Exception {
        assumeTrue(RealQemu.binary().isPresent(), RealQemu.SKIP);
        Path spec = root.resolve("jsonvm.toml");
        Files.writeString(spec, """
                name = "jsonvm"
                memory = "128M"
                accel = "tcg"
                spare_root_ports = 2
                legacy_hotplug = true
                [[device]]
                model = "qemu-xhci"
                id = "xhci"
                """);
        dir = started.dir(root, "jsonvm");
        check("vm-cmdline", 0, "vm", "cmdline", spec.toString());
        check("vm-start", 0, "vm", "start", spec.toString(), "--dry-run");
        check("vm-start", 0, "vm", "start", spec.toString());
        check("vm-status", 0, "vm", "status", "jsonvm");
        check("vm-list", 0, "vm", "list");
        check("attach", 0, "attach", "jsonvm", "--emulated", "e1000e", "--id", "nic1", "--dry-run");
        check("attach", 0, "attach", "jsonvm", "--emulated", "e1000e", "--id", "nic1");
        check("attach", 0, "attach", "jsonvm", "--emulated", "usb-kbd", "--id", "kbd");
        check("unplug", 0, "unplug", "jsonvm", "kbd", "--dry-run");
        check("unplug", 0, "unplug", "jsonvm", "kbd");
        check("error", 10, "unplug", "jsonvm", "nic1", "--timeout", "500ms");
        check("soak", 0, "soak", "jsonvm", "--emulated", "usb-kbd", "--cycles", "3", "--dry-run");
        check("soak", 0, "soak", "jsonvm", "--emulated", "usb-kbd", "--cycles", "3");
        check("soak", 10, "soak", "jsonvm", "--emulated", "e1000e", "--cycles", "3", "--timeout", "500ms");
        check("vm-stop", 0, "vm", "stop", "jsonvm", "--dry-run");
        check("vm-stop", 0, "vm", "stop", "jsonvm", "--timeout", "1");
        check("vm-stop", 0, "vm", "stop", "jsonvm");
        check("vm-status", 0, "vm", "status", "jsonvm");
        check("vm-list", 0, "vm", "list");
    }

    /**
     * {@code vm pin --dry-run --json} of a real QEMU's threads on a generated two-socket host (nothing is pinned: the
     * host's CPUs are the tree's). The VM starts without {@code [placement]}, which is then added to its spec, as a
     * user re-pinning after editing it would.
     */
    @Test
    void vmPinPrintsItsDocumentedJson() throws Exception {
        assumeTrue(RealQemu.binary().isPresent(), RealQemu.SKIP);
        dev.hostdev.engine.testing.NumaHosts.twoSocket(root, 2);
        Path spec = root.resolve("pinvm.toml");
        String base = "name = \"pinvm\"\nmemory = \"128M\"\naccel = \"tcg\"\ncpus = 2\n";
        Files.writeString(spec, base);
        dir = started.dir(root, "pinvm");
        check("vm-start", 0, "vm", "start", spec.toString());
        Files.writeString(spec, base + "[placement]\nnuma = 1\nvcpu_pin = \"auto\"\n");
        List<String> a = List.of("vm", "pin", "pinvm", "--dry-run", "--json", "--root", root.toString());
        CliRun r = CliRun.run(a.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertValid("vm-pin", r.out(), "hostdev vm pin pinvm --dry-run --json");
        com.fasterxml.jackson.databind.JsonNode j = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertEquals(true, j.get("dry_run").asBoolean());
        assertEquals("vcpu 0", j.get("changes").get(0).get("what").asText(), r.out());
        assertEquals("thread", j.get("changes").get(0).get("kind").asText(), r.out());
        check("vm-stop", 0, "vm", "stop", "pinvm", "--force");
    }
}
