package dev.hostdev.launcher.cmdline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.topology.Q35Topology;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14.2 on a generated sysfs tree: a GPU (VGA 0000:01:00.0 and its HDMI audio 0000:01:00.1, one IOMMU
 * group) given whole goes into one guest root port, functions kept, multifunction=on on function 0.
 */
class WholeSlotPlanTest {
    @TempDir
    Path root;
    SysfsPciFacts facts;

    @BeforeEach
    void gpuWithAudio() {
        SysfsTree tree = SysfsTree.create(root);
        tree.pci("0000:01:00.0").vendor(0x10de).device(0x2204).klass(0x030000).pcie().multiFunction().iommuGroup(12).driver("nouveau").add();
        tree.pci("0000:01:00.1").vendor(0x10de).device(0x1aef).klass(0x040300).pcie().iommuGroup(12).driver("snd_hda_intel").add();
        tree.pci("0000:03:00.0").vendor(0x8086).device(0x1572).klass(0x020000).pcie().iommuGroup(14).add();
        facts = new SysfsPciFacts(tree.sysfs());
    }

    LaunchPlan plan(String hostdevs) {
        return LaunchPlannerGoldenTest.plan(hostdevs, facts);
    }

    /** The GPU's VGA function, as a spec names it. */
    static final String GPU = """
            [[hostdev]]
            id = "gpu"
            pci = "0000:01:00.0"
            """;

    /** Its HDMI audio function. */
    static final String GPU_AUDIO = """
            [[hostdev]]
            id = "gpu-audio"
            pci = "0000:01:00.1"
            """;

    static final String GPU_IN_ONE_SLOT = RootPortLines.ONE + """
            -device
            vfio-pci,host=0000:01:00.0,id=gpu,bus=pci.1,multifunction=on,addr=0x0
            -device
            vfio-pci,host=0000:01:00.1,id=gpu-audio,bus=pci.1,addr=0x0.0x1
            """;

    @Test
    void everyFunctionListedSharesOneRootPort() {
        LaunchPlan p = plan(GPU + GPU_AUDIO);
        assertEquals(GPU_IN_ONE_SLOT, LaunchPlannerGoldenTest.tail(p));
        assertEquals(List.of(new ManagedDevice("gpu", PciAddress.parse("01:00.0")), new ManagedDevice("gpu-audio", PciAddress.parse("01:00.1"))),
                p.managed(), "both functions are detached (and the group rule covers both)");
        assertEquals(List.of(), p.notes());
        String topology = p.topology().toJson().toString();
        assertTrue(topology.contains("\"device\":\"gpu\",") && topology.contains("\"functions\":[{\"addr\":\"0x0.0x1\",\"device\":\"gpu-audio\"}]"),
                topology);
        assertEquals(p.topology(), Q35Topology.fromJson(p.topology().toJson()), "the slot map reads back");
    }

    @Test
    void functionsAllGivesTheAudioToo() {
        LaunchPlan p = plan(GPU + "functions = \"all\"\n");
        assertEquals(GPU_IN_ONE_SLOT.replace("gpu-audio", "gpu-f1"), LaunchPlannerGoldenTest.tail(p));
        assertEquals(List.of("gpu", "gpu-f1"), p.managed().stream().map(ManagedDevice::hostdevId).toList());
        assertEquals(List.of("functions = \"all\" of 0000:01:00.0 (gpu) adds 0000:01:00.1 (gpu-f1)"), p.notes());
    }

    @Test
    void guestSlotOwnOptsOut() {
        LaunchPlan p = plan(GPU + GPU_AUDIO + "guest_slot = \"own\"\n");
        assertEquals(RootPortLines.first(2) + """
                -device
                vfio-pci,host=0000:01:00.0,id=gpu,bus=pci.1,addr=0x0
                -device
                vfio-pci,host=0000:01:00.1,id=gpu-audio,bus=pci.2,addr=0x0
                """, LaunchPlannerGoldenTest.tail(p));
        assertEquals(List.of("0000:01:00.1 (gpu-audio) of multi-function device 0000:01:00 (functions 0, 1) takes a root port of its own"
                + " (guest_slot = \"own\")"), p.notes());
    }

    @Test
    void someFunctionsOnlyKeepAPortEachAndSaySo() {
        LaunchPlan p = plan(GPU + """
                [[hostdev]]
                pci = "0000:03:00.0"
                """);
        assertEquals(RootPortLines.first(2) + """
                -device
                vfio-pci,host=0000:01:00.0,id=gpu,bus=pci.1,addr=0x0
                -device
                vfio-pci,host=0000:03:00.0,id=hostdev1,bus=pci.2,addr=0x0
                """, LaunchPlannerGoldenTest.tail(p));
        assertEquals(List.of("the spec gives 0000:01:00.0 (gpu) of multi-function device 0000:01:00 (functions 0, 1) but not 0000:01:00.1:"
                + " each function given gets a root port of its own; give every function (or functions = \"all\" on 0000:01:00.0)"
                + " to keep them in one guest slot"), p.notes());
    }

    @Test
    void functionsAllTogetherWithTheAudioListedIsRefused() {
        HostdevException e = org.junit.jupiter.api.Assertions.assertThrows(HostdevException.class, () -> plan("""
                [[hostdev]]
                pci = "0000:01:00.0"
                functions = "all"
                [[hostdev]]
                pci = "0000:01:00.1"
                """));
        assertEquals("[[hostdev]] at vm.toml:4: functions = \"all\" gives 0000:01:00.1, which another [[hostdev]] gives too", e.getMessage());
    }

    @Test
    void emulatedSlotGroupIsOneMultiFunctionDevice() {
        LaunchPlan p = plan("""
                [[device]]
                model = "e1000e"
                id = "nicA"
                slot_group = "dual"
                [[device]]
                model = "e1000e"
                id = "nicB"
                slot_group = "dual"
                function = 1
                """);
        assertEquals(RootPortLines.ONE + """
                -device
                e1000e,multifunction=on,id=nicA,bus=pci.1,addr=0x0
                -device
                e1000e,id=nicB,bus=pci.1,addr=0x0.0x1
                """, LaunchPlannerGoldenTest.tail(p));
    }
}
