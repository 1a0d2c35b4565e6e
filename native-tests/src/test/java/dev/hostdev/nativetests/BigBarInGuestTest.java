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
 * Big BARs on a real kernel (issue 14.3/14.4): the lab guest has an {@code ivshmem-plain} whose 4 GiB memory
 * backend is a 64-bit prefetchable BAR, the stand-in for a GPU's VRAM. Inside, Hostdev gives it to a nested VM
 * at start (the hole it sizes is what the nested QEMU's q35 host has) and hotplugs it into a root port it
 * sized for it (the nested firmware reserved that window); a port sized too small is refused by the plan, dry
 * run and real run alike. No L2 kernel boots (TCG inside TCG takes minutes): the nested firmware's own
 * assignment, read over QMP, stands for the guest's view. One boot.
 */
class BigBarInGuestTest {
    @RegisterExtension
    static final LabVmExtension LAB = new LabVmExtension(LabMachine.standard().withBigBar());
    private static final ObjectMapper JSON = new ObjectMapper();
    static final long FOUR_G = 4L << 30;

    /** A QMP client in the guest's python3 (the host's /): qom-get of the q35 host's hole, query-pci, once the firmware placed the port. */
    static final String QMP_PY = """
            import json, socket, sys, time
            path, port = sys.argv[1], sys.argv[2]
            s = socket.socket(socket.AF_UNIX); s.connect(path); f = s.makefile('rw')
            def recv():
                while True:
                    m = json.loads(f.readline())
                    if 'event' not in m:
                        return m
            def cmd(c, a=None):
                m = {'execute': c}
                if a: m['arguments'] = a
                f.write(json.dumps(m) + '\\n'); f.flush(); return recv()
            recv(); cmd('qmp_capabilities')
            hole = cmd('qom-get', {'path': '/machine/q35', 'property': 'pci-hole64-size'})
            def ports(pci):
                return [d for b in pci['return'] for d in b['devices'] if d.get('qdev_id') == port]
            deadline = time.time() + 90
            pci = cmd('query-pci')
            while not ports(pci) and time.time() < deadline:
                time.sleep(2); pci = cmd('query-pci')
            print(json.dumps({'hole64': hole.get('return'), 'port': (ports(pci) or [None])[0]}))
            """;

    @Test
    void aFourGigabyteBarGoesToANestedVmAtStartAndByHotplugIntoAPortSizedForIt() throws Exception {
        LabVm vm = LAB.vm();
        GuestHostdev hostdev = new GuestHostdev(vm, LAB.env().java(), LabVmExtension.hostdevJarOrSkip());
        GuestResult found = vm.run("lspci -Dn -d " + LabMachine.IVSHMEM_ID + " | cut -d' ' -f1", Duration.ofSeconds(30));
        String addr = found.stdout().strip();
        assertTrue(addr.matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]"), "the ivshmem is in the guest: " + found.describe());
        GuestResult bar = vm.run("sed -n 3p /sys/bus/pci/devices/" + addr + "/resource", Duration.ofSeconds(30));
        String[] f = bar.stdout().strip().split("\\s+");
        long size = Long.decode(f[1]) - Long.decode(f[0]) + 1;
        assertEquals(FOUR_G, size, "BAR2 is 4 GiB in the guest: " + bar.stdout());
        long flags = Long.decode(f[2]);
        assertEquals(0x102000L, flags & 0x102000L, "64-bit prefetchable: " + bar.stdout());
        System.out.printf("[lab] %s BAR2: %s (4 GiB, flags %s)%n", addr, bar.stdout().strip(), f[2]);

        String common = "memory = \"256M\"\ncpus = 1\n";
        Files.writeString(vm.exchangeDir().resolve("qmp.py"), QMP_PY);
        Files.writeString(vm.exchangeDir().resolve("atstart.toml"), "name = \"bar-start\"\n" + common
                + "\n[[hostdev]]\nid = \"vram\"\npci = \"" + addr + "\"\nmanaged = true\n");
        Files.writeString(vm.exchangeDir().resolve("small.toml"), "name = \"bar-small\"\n" + common + "\n[[hotplug]]\nsize = \"1G\"\n");
        Files.writeString(vm.exchangeDir().resolve("sized.toml"), "name = \"bar-sized\"\n" + common + "\n[[hotplug]]\npci = \"" + addr + "\"\n");
        String dir = LabVm.GUEST_EXCHANGE_DIR;
        String qmp = "python3 " + dir + "/qmp.py /run/hostdev/vms/";
        Map<String, StepOutcome> o = hostdev.batch(List.of(
                GuestCommand.hostdev("cmdline", "vm", "cmdline", dir + "/atstart.toml", "--json"),
                GuestCommand.hostdev("start", "vm", "start", dir + "/atstart.toml"),
                GuestCommand.hostdev("status", "vm", "status", "bar-start", "--json"),
                GuestCommand.sh("qmp-start", qmp + "bar-start/qmp.sock pci.1"),
                GuestCommand.hostdev("stop", "vm", "stop", "--timeout", "2", "bar-start"),
                GuestHostdev.state("after-stop", addr),
                GuestCommand.hostdev("small-start", "vm", "start", dir + "/small.toml"),
                GuestCommand.hostdev("small-dry", "attach", "--dry-run", "bar-small", addr, "--managed"),
                GuestCommand.hostdev("small-attach", "attach", "bar-small", addr, "--managed"),
                GuestHostdev.state("after-refusal", addr),
                GuestCommand.hostdev("small-stop", "vm", "stop", "--timeout", "2", "bar-small"),
                GuestCommand.hostdev("sized-start", "vm", "start", dir + "/sized.toml"),
                GuestCommand.sh("qmp-sized", qmp + "bar-sized/qmp.sock pci.1"),
                GuestCommand.hostdev("sized-attach", "attach", "bar-sized", addr, "--managed", "--id", "vram"),
                GuestCommand.hostdev("sized-status", "vm", "status", "bar-sized", "--json"),
                GuestCommand.hostdev("sized-stop", "vm", "stop", "--timeout", "2", "bar-sized"),
                GuestHostdev.state("after-sized", addr),
                GuestCommand.sh("qemu-left", "ps -eo comm= | grep -c '^qemu-system' || true")));

        StepOutcome cmdline = o.get("cmdline");
        assertEquals(0, cmdline.exit(), cmdline.stderr());
        JsonNode plan = JSON.readTree(cmdline.stdout());
        JsonNode space = plan.path("address_space");
        assertEquals(FOUR_G, space.path("windows").path(0).path("bars").asLong(), "the plan read the 4 GiB BAR from sysfs: " + space);
        long hole = space.path("pci_hole64_size").asLong();
        List<String> argv = new ArrayList<>();
        plan.path("argv").forEach(a -> argv.add(a.asText()));
        assertTrue(argv.contains("q35-pcihost.pci-hole64-size=" + hole), "the hole is on the command line: " + argv);
        System.out.println("[lab] nested plan: " + space);

        StepOutcome start = o.get("start");
        assertEquals(0, start.exit(), start.stdout() + start.stderr());
        JsonNode status = JSON.readTree(o.get("status").stdout());
        assertEquals("running", status.path("state").asText(), status.toString());
        List<String> devices = new ArrayList<>();
        status.path("devices").forEach(d -> devices.add(d.path("driver").asText() + " " + d.path("host").asText()));
        assertTrue(devices.contains("vfio-pci " + addr), "the nested QEMU took the 4 GiB-BAR device at start: " + devices);
        JsonNode atStart = JSON.readTree(lastLine(o.get("qmp-start")));
        assertEquals(hole, atStart.path("hole64").asLong(), "the nested q35 host has the hole Hostdev sized: " + atStart);
        JsonNode vram = find(atStart.path("port"), "vram");
        JsonNode bar2 = null;
        for (JsonNode r : vram.path("regions")) {
            if (r.path("bar").asInt() == 2) {
                bar2 = r;
            }
        }
        assertTrue(bar2 != null && bar2.path("size").asLong() == FOUR_G && bar2.path("prefetch").asBoolean()
                && bar2.path("mem_type_64").asBoolean(), "the nested QEMU exposes the 4 GiB 64-bit prefetchable BAR2: " + vram);
        long at = bar2.path("address").asLong();
        assertTrue(at >= FOUR_G && at % FOUR_G == 0, "the nested firmware placed it above 4G, aligned (no 'no space'): " + bar2);
        System.out.printf("[lab] nested firmware placed %s BAR2 (4 GiB) at %#x behind %s%n", addr, at, vram.path("bus").asText());
        assertEquals(0, o.get("stop").exit(), o.get("stop").stderr());
        assertEquals("- (null)", GuestHostdev.parseState(o.get("after-stop").stdout()).get(addr), "given back (it had no driver)");

        assertEquals(0, o.get("small-start").exit(), o.get("small-start").stderr());
        StepOutcome dry = o.get("small-dry");
        StepOutcome refused = o.get("small-attach");
        assertEquals(11, dry.exit(), "the dry run refuses: " + dry.stdout() + dry.stderr());
        assertEquals(11, refused.exit(), "the real run refuses: " + refused.stdout() + refused.stderr());
        assertTrue(refused.stderr().contains("reserves 1G of 64-bit prefetchable memory (pref64-reserve)")
                && refused.stderr().contains("(4G) need a 4G window"), refused.stderr());
        assertEquals(firstLine(dry.stderr()), firstLine(refused.stderr()), "dry run and real run say the same");
        assertEquals("- (null)", GuestHostdev.parseState(o.get("after-refusal").stdout()).get(addr), "nothing was detached");
        assertEquals(0, o.get("small-stop").exit(), o.get("small-stop").stderr());

        assertEquals(0, o.get("sized-start").exit(), o.get("sized-start").stderr());
        JsonNode port = JSON.readTree(lastLine(o.get("qmp-sized"))).path("port");
        JsonNode range = port.path("pci_bridge").path("bus").path("prefetchable_range");
        long window = range.path("limit").asLong() - range.path("base").asLong() + 1;
        assertTrue(window >= FOUR_G, "the nested firmware reserved the 4 GiB window behind pci.1: " + port);
        System.out.printf("[lab] nested firmware: pci.1 prefetchable window %#x-%#x (%d MiB)%n",
                range.path("base").asLong(), range.path("limit").asLong(), window >> 20);
        StepOutcome attach = o.get("sized-attach");
        assertEquals(0, attach.exit(), "the nested QEMU accepted the hotplug: " + attach.stdout() + attach.stderr());
        List<String> hot = new ArrayList<>();
        JSON.readTree(o.get("sized-status").stdout()).path("devices").forEach(d -> hot.add(d.path("id").asText() + " "
                + d.path("driver").asText() + " " + d.path("bus").asText() + " " + d.path("host").asText()));
        assertTrue(hot.contains("vram vfio-pci pci.1 " + addr), "hotplugged into the port sized for it: " + hot);
        assertEquals(0, o.get("sized-stop").exit(), o.get("sized-stop").stderr());
        assertEquals("- (null)", GuestHostdev.parseState(o.get("after-sized").stdout()).get(addr));
        assertEquals("0", o.get("qemu-left").stdout().strip(), "no QEMU left in the lab");
    }

    /** The device with this qdev id anywhere under a query-pci device (behind bridges). */
    private static JsonNode find(JsonNode device, String id) {
        if (id.equals(device.path("qdev_id").asText())) {
            return device;
        }
        for (JsonNode d : device.path("pci_bridge").path("devices")) {
            JsonNode found = find(d, id);
            if (!found.isMissingNode()) {
                return found;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String lastLine(StepOutcome s) {
        String[] lines = s.stdout().strip().split("\n");
        assertTrue(s.exit() == 0 && lines.length > 0, "qmp.py: " + s.stdout() + s.stderr());
        return lines[lines.length - 1];
    }

    private static String firstLine(String s) {
        return s.strip().split("\n")[0];
    }
}
