package dev.hostdev.launcher.cli;

import static dev.hostdev.launcher.cli.JsonSchemas.assertExit;
import static dev.hostdev.launcher.cli.JsonSchemas.assertValid;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.bind.DetachOptions;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.engine.testing.TmpfsTempDir;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/**
 * Every command that takes {@code --json} prints one compact object on one line that its schema in docs/schemas
 * accepts, on a simulated host (the VM commands that need a running QEMU: JsonContractIntegrationTest).
 */
class JsonContractTest {
    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    SysfsTree tree;
    SimulatedKernel kernel;
    String root;
    Path spec;
    private Function<HostRoot, AttributeWriter> saved;

    @BeforeEach
    void host() throws Exception {
        tree = SampleHosts.workstation(dir).pciDriver("vfio-pci");
        MiniIds.install(tree);
        kernel = new SimulatedKernel(dir);
        root = dir.toString();
        saved = DetachCommandSupport.kernel;
        DetachCommandSupport.kernel = r -> kernel;
        spec = dir.resolve("router.toml");
        Files.writeString(spec, """
                name = "router"
                accel = "tcg"
                spare_root_ports = 2
                legacy_hotplug = true
                [[hostdev]]
                pci = "04:01.0"
                managed = true
                [[device]]
                model = "qemu-xhci"
                id = "xhci"
                """);
    }

    @AfterEach
    void restore() {
        DetachCommandSupport.kernel = saved;
    }

    private void check(String schema, int exit, String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--json", "--root", root, "--run-dir", dir.resolve("vms").toString()));
        CliRun r = CliRun.run(a.toArray(String[]::new));
        String what = "hostdev " + String.join(" ", args) + " --json";
        assertExit(exit, r, what);
        if (schema.equals("batch")) {
            r.out().lines().forEach(line -> assertValid(schema, line + "\n", what));
        } else {
            assertValid(schema, r.out(), what);
        }
    }

    @Test
    void hostCommands() {
        check("list", 0, "list");
        check("list", 0, "list", "--usb");
        check("list", 0, "list", "--all");
        check("show", 0, "show", "01:00.0");
        check("show", 0, "show", "03:00.0");
        check("show", 0, "show", "1-2");
        check("groups", 0, "groups");
        check("doctor", 12, "doctor");
        check("doctor", 12, "doctor", "04:01.0");
    }

    @Test
    void bindingCommands() {
        check("detach", 0, "detach", "--dry-run", "--group", "01:00.0");
        check("detach", 0, "detach", "--group", "01:00.0");
        check("reattach", 0, "reattach", "--dry-run", "01:00.0", "01:00.1");
        check("reattach", 0, "reattach", "01:00.0", "01:00.1");
        check("recover", 0, "recover");
        check("sriov", 0, "sriov", "02:00.0");
        check("sriov", 0, "sriov", "02:00.0", "--set", "4", "--dry-run");
        check("sriov", 0, "sriov", "02:00.0", "--set", "4");
        check("error", 2, "sriov", "02:00.1"); // a VF of 02:00.0 since --set 4
        kernel.killAfterWrite(2);
        try {
            new DeviceBinder(tree.sysfs(kernel)).detach(List.of(PciAddress.parse("04:01.0")), DetachOptions.defaults());
        } catch (SimulatedKernel.SimulatedCrash expected) {
            kernel.revive();
        }
        check("recover", 0, "recover", "--dry-run");
        check("recover", 0, "recover");
    }

    @Test
    void applyCommand() {
        try {
            java.nio.file.Files.createDirectories(dir.resolve("etc/hostdev"));
            java.nio.file.Files.writeString(dir.resolve("etc/hostdev/host.toml"),
                    "modules = [\"vfio-pci\"]\n[[sriov]]\npci = \"02:00.0\"\nvfs = 4\n[[device]]\npath = \"pci0000:00/1e.0/00.0/01.0\"\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        check("apply", 11, "apply", "--check");
        check("apply", 0, "apply", "--dry-run");
        check("apply", 0, "apply");
        check("apply", 0, "apply", "--check");
    }

    @Test
    void vmCommandsWithoutQemu() throws Exception {
        check("vm-cmdline", 0, "vm", "cmdline", spec.toString());
        check("vm-start", 0, "vm", "start", spec.toString(), "--dry-run");
        check("vm-list", 0, "vm", "list");
        Path batch = dir.resolve("lines");
        Files.write(batch, List.of("vm list --json", "vm status ghost --json", "# a comment", "vm 'unterminated"));
        check("batch", 3, "batch", batch.toString(), "--keep-going");
    }

    @Test
    void vmCmdlineWithPlacementOnATwoSocketHost() throws Exception {
        Path host = dir.resolve("two-socket");
        dev.hostdev.engine.testing.NumaHosts.twoSocket(host, 4);
        Path perf = dir.resolve("perf.toml");
        Files.writeString(perf, "name = \"perf\"\naccel = \"tcg\"\nmemory = \"2G\"\ncpus = 4\n[[hostdev]]\npci = \""
                + dev.hostdev.engine.testing.NumaHosts.NIC_NODE1 + "\"\n[placement]\nnuma = \"device\"\nvcpu_pin = \"auto\"\nhugepages = \"2M\"\n");
        CliRun r = CliRun.run("vm", "cmdline", perf.toString(), "--json", "--root", host.toString(), "--run-dir", dir.resolve("vms").toString());
        assertExit(0, r, "vm cmdline perf.toml --json");
        assertValid("vm-cmdline", r.out(), "vm cmdline with [placement]");
        assertTrue(r.out().contains("\"placement\":{\"host_node\":1,"), r.out());
    }

    @Test
    void everySchemaNamesEveryKeyAsRequiredAndNoOthers() throws Exception {
        for (String name : JsonSchemas.names()) {
            JsonNode schema = new ObjectMapper().readTree(JsonSchemas.DIR.resolve(name + ".schema.json").toFile());
            checkObjects(name, schema);
            if (!name.equals("defs")) {
                JsonSchemas.schema(name); // and it loads, references resolved
            }
        }
    }

    /** null, never an absent key: every property an object schema names is required (QEMU's own JSON aside). */
    private static void checkObjects(String where, JsonNode node) {
        if (node.path("$comment").asText().startsWith("QEMU's wire format")) {
            return;
        }
        if (node.has("properties") && node.get("properties").isObject()) {
            Set<String> required = new HashSet<>();
            node.path("required").forEach(r -> required.add(r.asText()));
            node.get("properties").fieldNames().forEachRemaining(k -> assertTrue(required.contains(k), where + ": " + k + " is not required"));
        }
        node.fields().forEachRemaining(e -> checkObjects(where + "/" + e.getKey(), e.getValue()));
        if (node.isArray()) {
            node.forEach(n -> checkObjects(where + "[]", n));
        }
    }

    @Test
    void theCheckRefusesWhatTheContractForbids() throws Exception {
        CliRun r = CliRun.run("list", "--json", "--root", root);
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode list = (ObjectNode) mapper.readTree(r.out());
        assertValid("list", list + "\n", "as printed");
        ((ObjectNode) list.get("pci").get(0)).remove("driver");
        assertThrows(AssertionFailedError.class, () -> assertValid("list", list + "\n", "a key left out"));
        assertThrows(AssertionFailedError.class, () -> assertValid("list", mapper.readTree(r.out()).toPrettyString() + "\n", "pretty"));
        assertThrows(AssertionFailedError.class, () -> assertValid("vm-list", "[]\n", "a bare array"));
        assertThrows(AssertionFailedError.class, () -> assertValid("vm-list", "{\"vms\":[],\"extra\":1}\n", "an undocumented key"));
        assertThrows(AssertionFailedError.class, () -> assertValid("error", "{\"error\":{\"code\":\"oops\",\"message\":\"m\",\"hint\":null}}\n",
                "an unknown code"));
    }

    @Test
    void errors() {
        check("error", 3, "show", "0a:00.0");
        check("error", 3, "vm", "status", "ghost");
        check("error", 2, "detach", "1-2");
        check("error", 2, "list", "--bogus");
        check("error", 2, "unplug", "ghost", "n1", "--timeout", "-5");
        check("error", 3, "vm", "start", dir.resolve("absent.toml").toString());
    }
}
