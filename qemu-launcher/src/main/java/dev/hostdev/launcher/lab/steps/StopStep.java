package dev.hostdev.launcher.lab.steps;

import dev.hostdev.launcher.lab.KernelView;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabStep;
import dev.hostdev.launcher.lab.StepContext;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;

/** Step 9: {@code hostdev vm stop}: the nested QEMU is gone and the managed e1000e is back on e1000e. */
public final class StopStep implements LabStep {
    /** Counts the QEMU processes in the guest (the lab VM's own QEMU runs on the host, not here). */
    static final String COUNT_QEMU = "ps -eo comm= | grep -c '^qemu-system' || true";

    @Override
    public String title(LabDevices dev) {
        return "stop the VM";
    }

    @Override
    public StepVerdict run(StepContext c) {
        String spare = c.dev().spareNic();
        StepOutcome stop = c.hostdev("vm-stop", "vm", "stop", "--timeout", "3", StartStep.NESTED);
        KernelView k = c.kernel("stop-state");
        String left = c.sh("stop-qemu", COUNT_QEMU).stdout().strip();
        if (!stop.ok()) {
            return LabStep.failed(stop);
        }
        if (!"e1000e".equals(k.driver(spare)) || !"0".equals(left)) {
            return StepVerdict.failed("after stop: managed " + spare + " on " + k.driver(spare) + ", QEMU processes left: " + left);
        }
        return StepVerdict.passed("QEMU gone; the managed " + spare + " is back on e1000e");
    }
}
