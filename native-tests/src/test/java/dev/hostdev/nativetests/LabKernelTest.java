package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.lab.GuestPciDevice;
import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabVm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab harness itself and the real kernel's answers to sysfs writes, in one boot of the standard
 * lab machine: commands return their status and outputs apart, a runaway command is killed and the
 * VM stays usable, IOMMU groups follow the topology, and the kernel answers each write of
 * {@link KernelWriteScenario} as DESIGN.md records, and the unit tests' {@link SimulatedKernel} answers
 * the same scenario exactly as the real kernel did, write by write.
 */
class LabKernelTest {
    @RegisterExtension
    static final LabVmExtension LAB = LabVmExtension.shared(LabMachine.standard());

    static List<GuestPciDevice> devices;
    static List<KernelWriteScenario.Observation> real;

    @BeforeAll
    static void listDevicesAndRunTheWriteScenario() throws Exception {
        GuestResult r = LAB.vm().run("lspci -Dn");
        assertTrue(r.ok(), r::describe);
        devices = GuestPciDevice.parseLspci(r.stdout());
        real = runScenarioInGuest(LAB.vm());
    }

    @Test
    void commandsReturnTheirStatusAndBothOutputsApart() {
        GuestResult r = LAB.vm().run("echo out; echo err >&2; id -u; exit 3");
        assertEquals(3, r.exitStatus());
        assertEquals("out\n0\n", r.stdout());
        assertEquals("err\n", r.stderr());
    }

    @Test
    void aRunawayCommandIsKilledAndTheVmStaysUsable() {
        GuestResult r = LAB.vm().run("sleep 60", Duration.ofSeconds(2));
        assertEquals(137, r.exitStatus(), r::describe);
        assertTrue(LAB.vm().run("true").ok());
    }

    @Test
    void iommuGroupsFollowTheTopology() {
        String e1 = GuestPciDevice.withId(devices, LabMachine.E1000E_ID).get(0).address();
        List<GuestPciDevice> legacy = GuestPciDevice.withId(devices, LabMachine.E1000_ID);
        String bridge = GuestPciDevice.withId(devices, LabMachine.PCIE_PCI_BRIDGE_ID).get(0).address();
        GuestResult r = LAB.vm().run("for d in " + e1 + " " + legacy.get(0).address() + "; do ls /sys/bus/pci/devices/$d/iommu_group/devices | tr '\\n' ' '; echo; done");
        assertTrue(r.ok(), r::describe);
        String[] lines = r.stdout().split("\n");
        assertEquals(e1, lines[0].strip(), "an e1000e on its own root port is alone in its group");
        assertEquals(bridge + " " + legacy.get(0).address() + " " + legacy.get(1).address(), lines[1].strip(),
                "the legacy e1000s share the pcie-pci-bridge's group");
    }

    @Test
    void theRealKernelAnswersEachWriteAsRecorded() throws Exception {
        List<KernelWriteScenario.Observation> seen = real;
        List<String> answers = new ArrayList<>();
        List<String> drivers = new ArrayList<>();
        List<String> overrides = new ArrayList<>();
        for (KernelWriteScenario.Observation o : seen) {
            answers.add(o.answer());
            drivers.add(o.drivers().values().iterator().next());
            overrides.add(o.override());
        }
        assertEquals(List.of("ENODEV", "ENODEV", "ok", "ENODEV", "ok", "ENOENT", "ENODEV", "ok", "EBUSY", "ENODEV",
                "ENODEV", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"), answers, seen::toString);
        assertEquals(List.of("e1000e", "e1000e", "e1000e", "e1000e", "-", "-", "-", "vfio-pci", "vfio-pci", "vfio-pci",
                "vfio-pci", "-", "-", "e1000e", "e1000e", "-", "-", "-", "e1000e", "e1000e", "e1000e"), drivers, seen::toString);
        assertEquals("(null)", overrides.get(0));
        assertEquals("vfio-pci", overrides.get(2));
        assertEquals("(null)", overrides.get(12), "a cleared driver_override reads (null)");
        assertEquals("no_such_driver", overrides.get(14));
        for (KernelWriteScenario.Observation o : seen) {
            assertEquals("e1000e", o.drivers().values().stream().skip(1).findFirst().orElseThrow(),
                    "the sibling e1000e is never touched: " + o);
        }
    }

    @Test
    void theSimulatedKernelAgreesWithTheRealOneWriteByWrite(@TempDir Path dir) {
        List<GuestPciDevice> nics = GuestPciDevice.withId(devices, LabMachine.E1000E_ID);
        String e = nics.get(0).address();
        String sibling = nics.get(1).address();
        SysfsTree tree = SysfsTree.create(dir).pciDriver("e1000e").pciDriver("vfio-pci");
        int group = 11;
        for (String nic : List.of(e, sibling)) {
            tree.pci(nic).vendor(0x8086).device(0x10d3).klass(0x020000).pcie().driver("e1000e").iommuGroup(group++).add();
        }
        SimulatedKernel kernel = new SimulatedKernel(dir);
        List<KernelWriteScenario.Observation> simulated =
                KernelWriteScenario.run(tree.sysfs(kernel), KernelWriteScenario.writes(e), List.of(e, sibling));
        for (int i = 0; i < real.size(); i++) {
            assertEquals(real.get(i), simulated.get(i), "write " + (i + 1) + " (" + real.get(i).label() + "): real kernel vs simulated");
        }
        assertEquals(real.size(), simulated.size());
    }

    /** Runs {@link KernelWriteScenario#main} in the guest against its real kernel. */
    static List<KernelWriteScenario.Observation> runScenarioInGuest(LabVm vm) throws Exception {
        List<GuestPciDevice> nics = GuestPciDevice.withId(devices, LabMachine.E1000E_ID);
        Path jar = LabVmExtension.hostdevJarOrSkip();
        String cp = jar + ":" + LabVmExtension.testClasses();
        GuestResult r = vm.run(LAB.env().java() + " -cp " + cp + " " + KernelWriteScenario.class.getName() + " "
                + LabVm.GUEST_EXCHANGE_DIR + "/kernel-writes.json " + nics.get(0).address() + " " + nics.get(1).address(),
                Duration.ofSeconds(90));
        assertTrue(r.ok(), r::describe);
        return new ObjectMapper().readValue(vm.exchangeDir().resolve("kernel-writes.json").toFile(),
                new TypeReference<List<KernelWriteScenario.Observation>>() { });
    }
}
