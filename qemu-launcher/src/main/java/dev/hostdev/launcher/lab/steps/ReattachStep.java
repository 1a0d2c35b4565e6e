package dev.hostdev.launcher.lab.steps;

import dev.hostdev.launcher.lab.KernelView;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabStep;
import dev.hostdev.launcher.lab.StepContext;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;
import java.util.LinkedHashMap;
import java.util.Map;

/** Step 10: {@code hostdev reattach}: every device back on its original driver, {@code /dev/vfio} holds no group. */
public final class ReattachStep implements LabStep {
    @Override
    public String title(LabDevices dev) {
        return "reattach " + dev.nic() + ", " + dev.legacy() + ", " + dev.legacySibling();
    }

    @Override
    public StepVerdict run(StepContext c) {
        LabDevices dev = c.dev();
        StepOutcome reattach = c.hostdev("reattach", "reattach", dev.nic(), dev.legacy(), dev.legacySibling());
        KernelView k = c.kernel("final-state");
        if (!reattach.ok()) {
            return LabStep.failed(reattach);
        }
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(dev.nic(), "e1000e");
        expected.put(dev.spareNic(), "e1000e");
        expected.put(dev.legacy(), "e1000");
        expected.put(dev.legacySibling(), "e1000");
        for (var e : expected.entrySet()) {
            if (!e.getValue().equals(k.driver(e.getKey()))) {
                return StepVerdict.failed(e.getKey() + " is on " + k.driver(e.getKey()) + ", not back on " + e.getValue());
            }
        }
        if (!k.vfioGroups().isEmpty()) {
            return StepVerdict.failed("/dev/vfio still has groups: " + k.vfioGroups());
        }
        return StepVerdict.passed("every device is back on its original driver; /dev/vfio holds no group");
    }
}
