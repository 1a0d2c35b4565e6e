package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.lab.GuestPciDevice;
import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabWalk;
import dev.hostdev.launcher.lab.PciListCheck;
import dev.hostdev.launcher.lab.LabVm;
import dev.hostdev.launcher.lab.StepOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real hostdev jar inside the lab guest, against a real kernel with an emulated IOMMU: what it
 * lists agrees with lspci and sysfs, detach and reattach really move the device, the group rule
 * holds, and a detach killed with SIGKILL at each of its writes is restored by {@code hostdev recover}.
 * One boot; each test leaves every device on its original driver.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostdevInGuestTest {
    @RegisterExtension
    static final LabVmExtension LAB = LabVmExtension.shared(LabMachine.standard());
    private static final ObjectMapper JSON = new ObjectMapper();

    static LabDevices dev;
    static GuestHostdev hostdev;

    @BeforeAll
    static void findDevices() {
        dev = LabWalk.discover(LAB.vm());
        hostdev = new GuestHostdev(LAB.vm(), LAB.env().java(), LabVmExtension.hostdevJarOrSkip());
    }

    @Test
    @Order(1)
    void listGroupsAndShowAgreeWithLspciAndSysfs() throws Exception {
        List<GuestCommand> steps = new ArrayList<>(List.of(GuestCommand.hostdev("list", "list", "--json"),
                GuestCommand.hostdev("groups", "groups", "--json")));
        for (GuestPciDevice d : dev.lspci()) {
            steps.add(GuestCommand.hostdev("show " + d.address(), "show", d.address(), "--json"));
        }
        Map<String, StepOutcome> o = hostdev.batch(steps);
        assertEquals(0, o.get("list").exit(), o.get("list").stderr());
        assertEquals(List.of(), PciListCheck.deviceDifferences(dev, JSON.readTree(o.get("list").stdout()).path("pci")),
                "hostdev list vs lspci -Dn and sysfs");
        List<JsonNode> shown = new ArrayList<>();
        for (GuestPciDevice d : dev.lspci()) {
            StepOutcome show = o.get("show " + d.address());
            assertEquals(0, show.exit(), show.stderr());
            shown.add(JSON.readTree(show.stdout()));
        }
        assertEquals(List.of(), PciListCheck.deviceDifferences(dev, shown), "hostdev show --json of each device vs lspci -Dn and sysfs");
        assertEquals(List.of(), PciListCheck.groupDifferences(dev, JSON.readTree(o.get("groups").stdout())),
                "hostdev groups vs /sys/kernel/iommu_groups");
    }

    @Test
    @Order(2)
    void detachMovesTheNicToVfioPciAndReattachGivesItBack() throws Exception {
        String nic = dev.nic();
        String group = dev.groupOf(nic);
        Map<String, StepOutcome> o = hostdev.batch(List.of(
                GuestCommand.hostdev("dry-run", "detach", "--dry-run", nic), GuestHostdev.state("after-dry-run", nic),
                GuestCommand.hostdev("detach", "detach", nic), GuestHostdev.state("after-detach", nic),
                GuestCommand.hostdev("detach-again", "detach", nic),
                GuestCommand.hostdev("show", "show", nic, "--json"),
                GuestCommand.hostdev("reattach", "reattach", nic), GuestHostdev.state("after-reattach", nic)));
        assertEquals(0, o.get("dry-run").exit(), o.get("dry-run").stderr());
        assertTrue(o.get("dry-run").stdout().contains("driver_override"), "the dry run prints the writes: " + o.get("dry-run").stdout());
        assertEquals("e1000e (null)", GuestHostdev.parseState(o.get("after-dry-run").stdout()).get(nic), "a dry run writes nothing");

        assertEquals(0, o.get("detach").exit(), o.get("detach").stderr());
        Map<String, String> detached = GuestHostdev.parseState(o.get("after-detach").stdout());
        assertEquals("vfio-pci", detached.get(nic).split(" ")[0]);
        assertTrue((" " + detached.get("vfio") + " ").contains(" " + group + " "), "/dev/vfio/" + group + " exists: " + detached);
        assertEquals(0, o.get("detach-again").exit(), "detaching a device already on vfio-pci is a no-op: " + o.get("detach-again").stderr());
        JsonNode show = JSON.readTree(o.get("show").stdout());
        assertEquals("e1000e", show.path("original_driver").asText(), "show names the driver it will go back to");

        assertEquals(0, o.get("reattach").exit(), o.get("reattach").stderr());
        Map<String, String> back = GuestHostdev.parseState(o.get("after-reattach").stdout());
        assertEquals("e1000e (null)", back.get(nic), "back on e1000e with driver_override cleared");
        assertEquals("vfio", back.get("vfio"), "/dev/vfio/" + group + " is gone");
    }

    @Test
    @Order(3)
    void aLegacyDeviceAloneIsRefusedWhileItsGroupIsNotViableAndGoesWithGroup() throws Exception {
        String legacy = dev.legacy();
        String sibling = dev.legacySibling();
        Map<String, StepOutcome> o = hostdev.batch(List.of(
                GuestCommand.hostdev("alone", "detach", legacy), GuestHostdev.state("after-alone", legacy, sibling, dev.bridge()),
                GuestCommand.hostdev("group", "detach", "--group", legacy), GuestHostdev.state("after-group", legacy, sibling, dev.bridge()),
                GuestCommand.hostdev("reattach", "reattach", legacy, sibling), GuestHostdev.state("after-reattach", legacy, sibling)));
        StepOutcome alone = o.get("alone");
        assertEquals(4, alone.exit(), "exit 4 (group not viable): " + alone.stderr());
        assertTrue(alone.stderr().contains(sibling.substring(5)), "the refusal names the blocking device: " + alone.stderr());
        assertTrue(alone.stderr().contains("--group"), "and the fix: " + alone.stderr());
        Map<String, String> afterAlone = GuestHostdev.parseState(o.get("after-alone").stdout());
        assertEquals("e1000 (null)", afterAlone.get(legacy), "a refused detach writes nothing");

        assertEquals(0, o.get("group").exit(), o.get("group").stderr());
        Map<String, String> afterGroup = GuestHostdev.parseState(o.get("after-group").stdout());
        assertEquals("vfio-pci", afterGroup.get(legacy).split(" ")[0]);
        assertEquals("vfio-pci", afterGroup.get(sibling).split(" ")[0]);
        assertEquals("- (null)", afterGroup.get(dev.bridge()), "the bridge is left alone");
        assertTrue((" " + afterGroup.get("vfio") + " ").contains(" " + dev.groupOf(legacy) + " "));

        assertEquals(0, o.get("reattach").exit(), o.get("reattach").stderr());
        Map<String, String> back = GuestHostdev.parseState(o.get("after-reattach").stdout());
        assertEquals("e1000 (null)", back.get(legacy));
        assertEquals("e1000 (null)", back.get(sibling));
    }

    @Test
    @Order(4)
    void aDetachKilledAtEachWriteIsRestoredByRecover() {
        String nic = dev.spareNic();
        String cp = hostdev.jar() + ":" + LabVmExtension.testClasses();
        List<String> report = new ArrayList<>();
        for (String point : List.of("before 1", "before 2", "before 3", "after 3")) {
            String script = hostdev.java() + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + cp + " "
                    + KillAtWrite.class.getName() + " " + point + " detach " + nic + "\n"
                    + "echo \"status=$?\"\n"
                    + "echo '--- killed'\n"
                    + GuestHostdev.stateScript(nic) + "\n"
                    + "echo '--- recover'\n"
                    + hostdev.command() + " recover; echo \"recover=$?\"\n"
                    + "echo '--- recovered'\n"
                    + GuestHostdev.stateScript(nic) + "\n";
            GuestResult r = LAB.vm().run(script, Duration.ofSeconds(240));
            String out = r.stdout();
            assertTrue(out.contains("status=137"), "hostdev was killed " + point + ":\n" + out + r.stderr());
            String killed = out.substring(out.indexOf("--- killed") + 10, out.indexOf("--- recover"));
            String recovered = out.substring(out.indexOf("--- recovered") + 13);
            assertTrue(out.contains("recover=0"), "recover succeeds after a kill " + point + ":\n" + out + r.stderr());
            Map<String, String> state = GuestHostdev.parseState(recovered);
            assertEquals("e1000e (null)", state.get(nic), "recover restores e1000e after a kill " + point + ":\n" + out);
            assertFalse((" " + state.get("vfio") + " ").contains(" " + dev.groupOf(nic) + " "), "no /dev/vfio group left: " + out);
            report.add(point + ": " + GuestHostdev.parseState(killed).get(nic));
        }
        GuestResult again = LAB.vm().run(hostdev.command() + " recover", Duration.ofSeconds(120));
        assertEquals(0, again.exitStatus(), again::describe);
        assertTrue(again.stdout().contains("nothing to recover"), "recover after recover has nothing to do: " + again.stdout());
        System.out.println("[lab] kill -9 during detach, state at the kill: " + report);
    }

    @Test
    @Order(5)
    void aNestedVmTakesAManagedNicAndAUsbDeviceAndGivesThemBack() throws Exception {
        String nic = dev.nic();
        String common = "memory = \"256M\"\ncpus = 1\nspare_root_ports = 1\n"
                + "\n[[hostdev]]\npci = \"" + nic + "\"\nmanaged = true\n";
        java.nio.file.Files.writeString(LAB.vm().exchangeDir().resolve("managed.toml"), "name = \"nested-managed\"\n" + common
                + "\n[[hostdev]]\nusb = \"" + LabMachine.USB_STORAGE_ID + "\"\n");
        java.nio.file.Files.writeString(LAB.vm().exchangeDir().resolve("absent.toml"), "name = \"nested-absent\"\n" + common
                + "\n[[hostdev]]\nusb = \"dead:beef\"\n");
        String dir = LabVm.GUEST_EXCHANGE_DIR;
        Map<String, StepOutcome> o = hostdev.batch(List.of(
                GuestCommand.hostdev("start-absent", "vm", "start", dir + "/absent.toml"), GuestHostdev.state("after-absent", nic),
                GuestCommand.hostdev("start", "vm", "start", dir + "/managed.toml"), GuestHostdev.state("after-start", nic),
                GuestCommand.hostdev("status", "vm", "status", "nested-managed", "--json"),
                GuestCommand.hostdev("stop", "vm", "stop", "--timeout", "2", "nested-managed"), GuestHostdev.state("after-stop", nic),
                GuestCommand.sh("qemu-left", "ps -eo comm= | grep -c '^qemu-system' || true")));
        StepOutcome absent = o.get("start-absent");
        assertTrue(absent.exit() != 0, "a mandatory USB device that is absent stops the start: " + absent.stdout());
        assertTrue(absent.stderr().contains("dead:beef"), "the error names the missing device: " + absent.stderr());
        assertEquals("e1000e (null)", GuestHostdev.parseState(o.get("after-absent").stdout()).get(nic),
                "nothing was detached for the VM that could not start");

        StepOutcome start = o.get("start");
        assertEquals(0, start.exit(), start.stdout() + start.stderr());
        assertEquals("vfio-pci", GuestHostdev.parseState(o.get("after-start").stdout()).get(nic).split(" ")[0],
                "the managed NIC was detached for the VM");
        JsonNode status = JSON.readTree(o.get("status").stdout());
        assertEquals("running", status.path("state").asText(), status.toString());
        List<String> drivers = new ArrayList<>();
        status.path("devices").forEach(d -> drivers.add(d.path("driver").asText() + " " + d.path("host").asText()));
        assertTrue(drivers.contains("vfio-pci " + nic), "QEMU has the NIC: " + drivers);
        assertTrue(drivers.stream().anyMatch(d -> d.startsWith("usb-host")), "QEMU has the USB stick through usb-host: " + drivers);

        assertEquals(0, o.get("stop").exit(), o.get("stop").stderr());
        assertEquals("e1000e (null)", GuestHostdev.parseState(o.get("after-stop").stdout()).get(nic),
                "the managed NIC is back on e1000e once the VM stopped");
        assertEquals("0", o.get("qemu-left").stdout().strip(), "no QEMU left in the lab");
    }
}
