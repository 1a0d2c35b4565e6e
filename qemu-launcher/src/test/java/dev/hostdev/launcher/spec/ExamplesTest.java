package dev.hostdev.launcher.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.topology.FakePciFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every example in docs/examples loads and plans (with the host devices they name present). */
class ExamplesTest {
    static final Path EXAMPLES = Path.of("..", "docs", "examples");

    @Test
    void everyExampleLoadsAndPlans() throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(EXAMPLES)) {
            files = s.filter(p -> p.toString().endsWith(".toml")).sorted().toList();
        }
        assertEquals(List.of("gpu-hotplug.toml", "lab.toml", "router.toml", "usb.toml"),
                files.stream().map(p -> p.getFileName().toString()).toList());
        FakePciFacts facts = FakePciFacts.none().pcie("03:00.0").pcie("03:00.1")
                .pcieWithResource("65:00.0", FakePciFacts.GPU_RESOURCE).pcie("65:00.1");
        for (Path f : files) {
            VmSpec spec = VmSpecLoader.load(f);
            LaunchPlan plan = LaunchPlanner.plan(spec, facts, new LaunchOptions(Path.of("/run/hostdev/vms"), false, Set.of(), false));
            assertFalse(plan.argv().isEmpty(), f.toString());
        }
    }

    @Test
    void theLabExampleHasWhatTheLabNeeds() {
        VmSpec lab = VmSpecLoader.load(EXAMPLES.resolve("lab.toml"));
        assertEquals(Iommu.INTEL, lab.iommu());
        assertTrue(lab.legacyHotplug());
        assertEquals(List.of("e1000e", "e1000e", "e1000", "nvme", "qemu-xhci", "usb-kbd", "usb-tablet"),
                lab.devices().stream().map(EmulatedDeviceSpec::model).toList());
    }
}
