package dev.hostdev.launcher.lab.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabStep;
import dev.hostdev.launcher.lab.StepContext;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;

/** Step 7: a conventional PCI device goes on a slot of the nested VM's pcie-pci-bridge; QEMU lists both hotplugs. */
public final class HotplugBridgeStep implements LabStep {
    @Override
    public String title(LabDevices dev) {
        return "hotplug " + dev.legacy() + " behind the pcie-pci-bridge";
    }

    @Override
    public StepVerdict run(StepContext c) {
        String spare = c.dev().spareNic();
        String legacy = c.dev().legacy();
        StepOutcome attach = c.hostdev("attach-legacy", "attach", StartStep.NESTED, legacy, "--json");
        StepOutcome status = c.hostdev("attach-status", "vm", "status", StartStep.NESTED, "--json");
        if (!attach.ok()) {
            return LabStep.failed(attach);
        }
        if (!status.stdout().contains(spare.substring(5)) || !status.stdout().contains(legacy.substring(5))) {
            return StepVerdict.failed("vm status does not list both hotplugged devices: " + status.firstLine());
        }
        JsonNode a = StepContext.json(attach);
        return StepVerdict.passed("conventional PCI: device_add'ed as " + a.path("id").asText() + " on the pcie-pci-bridge "
                + a.path("bus").asText() + " slot " + a.path("addr").asText() + "; vm status lists both hotplugged devices");
    }
}
