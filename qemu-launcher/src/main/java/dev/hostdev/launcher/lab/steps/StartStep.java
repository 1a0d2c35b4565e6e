package dev.hostdev.launcher.lab.steps;

import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabStep;
import dev.hostdev.launcher.lab.StepContext;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;

/** Step 5: {@code hostdev vm start} of a nested VM with the detached e1000e (unmanaged), spare ports and a bridge. */
public final class StartStep implements LabStep {
    /** The nested VM's name. */
    public static final String NESTED = "lab-nested";

    @Override
    public String title(LabDevices dev) {
        return "start a VM with " + dev.nic();
    }

    /** The nested VM's spec: the detached e1000e, two spare root ports, a pcie-pci-bridge for legacy hotplug. */
    static String nestedSpec(String nic) {
        return "name = \"" + NESTED + "\"\n"
                + "memory = \"256M\"\n"
                + "cpus = 1\n"
                + "spare_root_ports = 2\n"
                + "legacy_hotplug = true\n"
                + "\n[[hostdev]]\n"
                + "pci = \"" + nic + "\"\n"
                + "managed = false\n";
    }

    @Override
    public StepVerdict run(StepContext c) {
        String nic = c.dev().nic();
        String spec = c.writeFile("nested.toml", nestedSpec(nic));
        StepOutcome start = c.hostdev("vm-start", "vm", "start", spec);
        StepOutcome status = c.hostdev("vm-status", "vm", "status", NESTED, "--json");
        if (!start.ok()) {
            return LabStep.failed(start);
        }
        if (!status.ok() || !"running".equals(StepContext.json(status).path("state").asText())
                || !status.stdout().contains(nic.substring(5))) {
            return StepVerdict.failed("vm status does not show the VM running with " + nic + ": " + status.firstLine());
        }
        return StepVerdict.passed("a nested QEMU runs with vfio-pci host=" + nic + " (QEMU opened /dev/vfio/"
                + c.dev().groupOf(nic) + ")");
    }
}
