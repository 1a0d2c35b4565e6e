package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabVm;
import dev.hostdev.launcher.lab.StepOutcome;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 14.2 on a real kernel: the lab guest has a two-function device (two e1000e at functions 0 and 1 of one
 * slot, {@code slot_group} in the lab's spec); inside it, hostdev starts a nested VM with that device given whole
 * ({@code functions = "all"}, managed) and the nested QEMU shows both functions in ONE root port, as functions 0
 * and 1 of slot 0 ({@code query-pci} after its firmware ran); then hotplugs it whole into another nested VM
 * ({@code attach --functions all}: functions 1..N first, function 0 last) and shows the same. Both functions go
 * to vfio-pci together (one IOMMU group) and back to e1000e when the VMs stop.
 */
class WholeSlotInGuestTest {
    @RegisterExtension
    static final LabVmExtension LAB = new LabVmExtension(LabMachine.standard().withTwoFunctionNic());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** query-pci of a nested VM until device {@code $2} shows (its firmware must have numbered the buses), as one JSON line. */
    static String queryPci(String vm, String id) {
        return "/usr/bin/python3 - <<'PY'\n"
                + "import json, socket, time\n"
                + "def ask(cmd, **args):\n"
                + "    s = socket.socket(socket.AF_UNIX); s.connect('/run/hostdev/vms/" + vm + "/qmp.sock'); f = s.makefile('rw')\n"
                + "    f.readline(); f.write(json.dumps({'execute': 'qmp_capabilities'}) + '\\n'); f.flush(); f.readline()\n"
                + "    f.write(json.dumps({'execute': cmd, 'arguments': args}) + '\\n'); f.flush()\n"
                + "    while True:\n"
                + "        m = json.loads(f.readline())\n"
                + "        if 'return' in m or 'error' in m:\n"
                + "            s.close(); return m\n"
                + "for i in range(120):\n"
                + "    r = ask('query-pci')\n"
                + "    if '\"" + id + "\"' in json.dumps(r):\n"
                + "        break\n"
                + "    time.sleep(1)\n"
                + "print(json.dumps(r))\n"
                + "print(json.dumps(ask('human-monitor-command', **{'command-line': 'info pci'})))\n"
                + "PY";
    }

    @Test
    void aTwoFunctionDeviceGivenWholeSitsInOneRootPortOfTheNestedVm() throws Exception {
        LabVm vm = LAB.vm();
        GuestResult found = vm.run("for d in /sys/bus/pci/devices/*.1; do [ \"$(cat $d/vendor):$(cat $d/device)\" = 0x8086:0x10d3 ]"
                + " && echo ${d##*/}; done", Duration.ofSeconds(30));
        assertTrue(found.ok() && found.stdout().strip().matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.1"), found.stdout() + found.stderr());
        String f1 = found.stdout().strip();
        String f0 = f1.substring(0, f1.length() - 1) + "0";
        GuestHostdev hostdev = new GuestHostdev(vm, LAB.env().java(), LabVmExtension.hostdevJarOrSkip());
        String spec = LabVm.GUEST_EXCHANGE_DIR + "/mfvm.toml";
        Files.writeString(vm.exchangeDir().resolve("mfvm.toml"), "name = \"mfvm\"\nmemory = \"128M\"\ncpus = 1\n\n"
                + "[[hostdev]]\nid = \"dual\"\npci = \"" + f0 + "\"\nfunctions = \"all\"\n");
        Files.writeString(vm.exchangeDir().resolve("mfhp.toml"), "name = \"mfhp\"\nmemory = \"128M\"\ncpus = 1\nspare_root_ports = 2\n");
        List<GuestCommand> steps = new ArrayList<>(List.of(
                GuestHostdev.state("before", f0, f1),
                GuestCommand.sh("group", "readlink /sys/bus/pci/devices/" + f0 + "/iommu_group /sys/bus/pci/devices/" + f1 + "/iommu_group"),
                GuestCommand.hostdev("cmdline", "vm", "cmdline", spec),
                GuestCommand.hostdev("start-dry", "vm", "start", "--dry-run", spec),
                GuestCommand.hostdev("start", "vm", "start", spec),
                GuestHostdev.state("started", f0, f1),
                GuestCommand.sh("pci", queryPci("mfvm", "dual-f1")),
                GuestCommand.hostdev("stop", "vm", "stop", "mfvm", "--force"),
                GuestHostdev.state("stopped", f0, f1),
                GuestCommand.hostdev("hp-start", "vm", "start", LabVm.GUEST_EXCHANGE_DIR + "/mfhp.toml"),
                GuestCommand.hostdev("attach-dry", "attach", "mfhp", f0, "--functions", "all", "--managed", "--id", "dual", "--dry-run"),
                GuestCommand.hostdev("attach", "attach", "mfhp", f0, "--functions", "all", "--managed", "--id", "dual"),
                GuestHostdev.state("attached", f0, f1),
                GuestCommand.sh("hp-pci", queryPci("mfhp", "dual-f1")),
                GuestCommand.hostdev("hp-stop", "vm", "stop", "mfhp", "--force"),
                GuestHostdev.state("after", f0, f1)));
        Map<String, StepOutcome> o = hostdev.batch(steps);
        for (String step : List.of("cmdline", "start-dry", "start", "pci", "stop", "hp-start", "attach-dry", "attach", "hp-pci", "hp-stop")) {
            assertEquals(0, o.get(step).exit(), step + ": " + o.get(step).stdout() + o.get(step).stderr());
        }
        String[] groups = o.get("group").stdout().strip().split("\n");
        assertEquals(2, groups.length, o.get("group").stdout());
        assertEquals(groups[0].replaceAll(".*/", ""), groups[1].replaceAll(".*/", ""), "both functions are in one IOMMU group");

        String cmdline = o.get("cmdline").stdout();
        assertTrue(cmdline.contains("vfio-pci,host=" + f0 + ",id=dual,bus=pci.1,multifunction=on,addr=0x0"), cmdline);
        assertTrue(cmdline.contains("vfio-pci,host=" + f1 + ",id=dual-f1,bus=pci.1,addr=0x0.0x1"), cmdline);
        assertTrue(o.get("start-dry").stdout().contains(f0) && o.get("start-dry").stdout().contains(f1),
                "the dry run detaches both: " + o.get("start-dry").stdout());

        Map<String, String> before = GuestHostdev.parseState(o.get("before").stdout());
        assertTrue(before.get(f0).startsWith("e1000e") && before.get(f1).startsWith("e1000e"), o.get("before").stdout());
        Map<String, String> started = GuestHostdev.parseState(o.get("started").stdout());
        assertTrue(started.get(f0).startsWith("vfio-pci") && started.get(f1).startsWith("vfio-pci"), o.get("started").stdout());
        assertOneSlot(o.get("pci").stdout(), "dual", "dual-f1");
        assertEquals(before, GuestHostdev.parseState(o.get("stopped").stdout()), "vm stop gave both functions back");

        String plan = o.get("attach-dry").stdout();
        assertTrue(plan.indexOf("\"id\":\"dual-f1\"") < plan.indexOf("\"id\":\"dual\""), "function 1 is added before function 0: " + plan);
        Map<String, String> attached = GuestHostdev.parseState(o.get("attached").stdout());
        assertTrue(attached.get(f0).startsWith("vfio-pci") && attached.get(f1).startsWith("vfio-pci"), o.get("attached").stdout());
        assertOneSlot(o.get("hp-pci").stdout(), "dual", "dual-f1");
        assertEquals(before, GuestHostdev.parseState(o.get("after").stdout()), "vm stop gave both hotplugged functions back");
    }

    /** In query-pci, the two devices are functions 0 and 1 of slot 0 of one bus behind one root port; info pci lists both. */
    static void assertOneSlot(String out, String f0, String f1) throws Exception {
        String[] lines = out.strip().split("\n");
        JsonNode pci = JSON.readTree(lines[0]).path("return");
        JsonNode a = find(pci, f0), b = find(pci, f1);
        assertTrue(a != null && b != null, "both in query-pci: " + lines[0]);
        assertEquals(a.path("bus").asInt(), b.path("bus").asInt(), "one bus: " + a + " " + b);
        assertEquals(List.of(0, 0, 0, 1), List.of(a.path("slot").asInt(), b.path("slot").asInt(), a.path("function").asInt(),
                b.path("function").asInt()), "slot 0, functions 0 and 1: " + a + " " + b);
        assertTrue(lines[1].contains(f0) && lines[1].contains(f1), "info pci: " + lines[1]);
        System.out.println("[whole slot] query-pci: " + a.path("qdev_id") + " bus " + a.path("bus") + " " + a.path("slot") + "."
                + a.path("function") + ", " + b.path("qdev_id") + " bus " + b.path("bus") + " " + b.path("slot") + "." + b.path("function"));
    }

    private static JsonNode find(JsonNode node, String id) {
        if (node.isObject() && id.equals(node.path("qdev_id").asText())) {
            return node;
        }
        for (JsonNode child : node) {
            JsonNode hit = find(child, id);
            if (hit != null) {
                return hit;
            }
        }
        return null;
    }
}
