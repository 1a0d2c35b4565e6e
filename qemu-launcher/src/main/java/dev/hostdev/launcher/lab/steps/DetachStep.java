package dev.hostdev.launcher.lab.steps;

import dev.hostdev.launcher.lab.KernelView;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabStep;
import dev.hostdev.launcher.lab.StepContext;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;

/** Step 3: {@code hostdev detach} moves the e1000e to vfio-pci, and its {@code /dev/vfio/GROUP} appears. */
public final class DetachStep implements LabStep {
    @Override
    public String title(LabDevices dev) {
        return "detach " + dev.nic() + " to vfio-pci";
    }

    @Override
    public StepVerdict run(StepContext c) {
        String nic = c.dev().nic();
        StepOutcome detach = c.hostdev("detach", "detach", nic);
        KernelView k = c.kernel("detach-state");
        if (!detach.ok()) {
            return LabStep.failed(detach);
        }
        String group = c.dev().groupOf(nic);
        if (!"vfio-pci".equals(k.driver(nic)) || !k.hasVfioGroup(group)) {
            return StepVerdict.failed("after detach the kernel has " + nic + " on " + k.driver(nic) + ", /dev/vfio: " + k.vfio());
        }
        return StepVerdict.passed("the kernel moved it e1000e → vfio-pci and /dev/vfio/" + group + " appeared");
    }
}
