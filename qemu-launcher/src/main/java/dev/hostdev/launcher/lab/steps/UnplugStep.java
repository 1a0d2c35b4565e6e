package dev.hostdev.launcher.lab.steps;

import dev.hostdev.launcher.lab.KernelView;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabStep;
import dev.hostdev.launcher.lab.StepContext;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;

/**
 * Step 8: the nested VM runs no OS, so nothing acknowledges an unplug: a clean timeout (exit 10, no
 * stack trace), and the device is not given back while QEMU holds it.
 */
public final class UnplugStep implements LabStep {
    /** Exit status of a timeout (the table in {@code hostdev --help}). */
    private static final int TIMEOUT = 10;

    @Override
    public String title(LabDevices dev) {
        return "unplug " + dev.spareNic() + " (the nested VM runs no OS)";
    }

    @Override
    public StepVerdict run(StepContext c) {
        String spare = c.dev().spareNic();
        StepOutcome unplug = c.hostdev("unplug", "unplug", StartStep.NESTED, HotplugPortStep.ID, "--timeout", "3");
        KernelView k = c.kernel("unplug-state");
        String err = unplug.stderr();
        if (unplug.exit() != TIMEOUT || err.contains("Exception") || err.contains("\tat ")) {
            return StepVerdict.failed("expected a clean timeout (exit " + TIMEOUT + "): exit " + unplug.exit() + " " + unplug.firstLine());
        }
        if (!"vfio-pci".equals(k.driver(spare))) {
            return StepVerdict.failed("the device was given back while the VM still holds it: " + k.driver(spare));
        }
        return StepVerdict.passed("no guest OS acks: " + unplug.firstLine() + "; the device stays on vfio-pci");
    }
}
