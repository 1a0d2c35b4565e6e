package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.lab.GuestPciDevice;
import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.LabMachine;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code hostdev doctor} on a real kernel with an IOMMU: the lab VM (emulated VT-d with interrupt
 * remapping, vfio-pci loaded, no KVM inside). The report must match what the guest's own files say,
 * and the VFIO ioctls (API version, type1v2) are asked of the real {@code /dev/vfio/vfio}.
 */
class DoctorInLabTest {
    @RegisterExtension
    static final LabVmExtension LAB = LabVmExtension.shared(LabMachine.standard());

    static String nic;
    static Map<String, JsonNode> checks;
    static int exitStatus;
    static GuestResult facts;

    @BeforeAll
    static void runDoctorInTheGuest() throws Exception {
        GuestResult lspci = LAB.vm().run("lspci -Dn");
        assertTrue(lspci.ok(), lspci::describe);
        nic = GuestPciDevice.withId(GuestPciDevice.parseLspci(lspci.stdout()), LabMachine.E1000E_ID).get(0).address();
        String hostdev = LAB.env().java() + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "
                + LabVmExtension.hostdevJarOrSkip() + " doctor";
        // One run (a JVM start under TCG costs tens of seconds); the JSON carries what the text shows.
        GuestResult json = LAB.vm().run(hostdev + " --json " + nic, Duration.ofSeconds(120));
        System.out.println("[lab] hostdev doctor --json " + nic + " (exit " + json.exitStatus() + "): " + json.stdout());
        exitStatus = json.exitStatus();
        checks = new HashMap<>();
        for (JsonNode c : new ObjectMapper().readTree(json.stdout()).get("checks")) {
            checks.put(c.get("id").asText() + (c.get("device").isNull() ? "" : "@" + c.get("device").asText()), c);
        }
        facts = LAB.vm().run("grep -cwE 'vmx|svm' /proc/cpuinfo; test -c /dev/kvm && echo kvm || echo nokvm; "
                + "grep -c ' IR-' /proc/interrupts");
    }

    private static String status(String id) {
        return checks.get(id).get("status").asText();
    }

    @Test
    void iommuAndInterruptRemappingAreFoundOn() {
        assertEquals("ok", status("iommu"), checks.get("iommu").toString());
        assertTrue(checks.get("iommu").get("found").asText().contains("intel_iommu=on"), checks.get("iommu").toString());
        assertTrue(Integer.parseInt(facts.stdout().lines().toList().get(2).strip()) > 0, "the guest remaps interrupts");
        assertEquals("ok", status("interrupt-remapping"), checks.get("interrupt-remapping").toString());
    }

    @Test
    void vfioIsLoadedAndItsContainerAnswersTheIoctls() {
        assertEquals("ok", status("vfio-modules"), checks.get("vfio-modules").toString());
        assertEquals("ok", status("vfio-container"), checks.get("vfio-container").toString());
        assertEquals("ok", status("vfio-api"), checks.get("vfio-api").toString());
        assertEquals("VFIO API version 0 with the type1v2 IOMMU", checks.get("vfio-api").get("found").asText());
    }

    @Test
    void kvmAndCpuFlagsAreReportedAsTheGuestHasThem() {
        boolean flags = !facts.stdout().lines().toList().get(0).strip().equals("0");
        boolean kvm = facts.stdout().lines().toList().get(1).equals("kvm");
        assertEquals(kvm ? "ok" : "warn", status("kvm"));
        assertEquals(flags || kvm ? "ok" : "warn", status("cpu-virtualization"));
    }

    @Test
    void theNicOnItsOwnRootPortIsReady() {
        String dev = "@" + nic;
        assertEquals("ok", status("iommu-group" + dev), checks.get("iommu-group" + dev).toString());
        assertEquals("ok", status("acs" + dev), checks.get("acs" + dev).toString());
        assertEquals("ok", status("host-use" + dev), checks.get("host-use" + dev).toString());
    }

    @Test
    void exitStatusFollowsTheFailures() {
        boolean anyFail = checks.values().stream().anyMatch(c -> c.get("status").asText().equals("fail"));
        assertEquals(anyFail ? 12 : 0, exitStatus, checks.toString());
    }
}
