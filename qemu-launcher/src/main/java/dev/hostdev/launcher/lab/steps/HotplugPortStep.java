package dev.hostdev.launcher.lab.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.launcher.lab.KernelView;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabStep;
import dev.hostdev.launcher.lab.StepContext;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;

/** Step 6: a managed hotplug detaches the second e1000e to vfio-pci and QEMU accepts it on a spare root port. */
public final class HotplugPortStep implements LabStep {
    /** The QEMU id the step gives the hotplugged device, which the unplug step names. */
    public static final String ID = "hp-spare";

    @Override
    public String title(LabDevices dev) {
        return "hotplug " + dev.spareNic() + " into a spare root port";
    }

    @Override
    public StepVerdict run(StepContext c) {
        String spare = c.dev().spareNic();
        StepOutcome attach = c.hostdev("attach-spare", "attach", StartStep.NESTED, spare, "--managed", "--id", ID, "--json");
        KernelView k = c.kernel("attach-spare-state");
        if (!attach.ok()) {
            return LabStep.failed(attach);
        }
        if (!"vfio-pci".equals(k.driver(spare))) {
            return StepVerdict.failed("managed attach left " + spare + " on " + k.driver(spare));
        }
        JsonNode a = StepContext.json(attach);
        return StepVerdict.passed("detached (managed) to vfio-pci and device_add'ed as " + a.path("id").asText()
                + " on spare root port " + a.path("root_port").asText() + ", confirmed by QEMU");
    }
}
