package dev.hostdev.launcher.lab.steps;

import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabStep;
import dev.hostdev.launcher.lab.PciListCheck;
import dev.hostdev.launcher.lab.StepContext;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;
import java.util.List;

/** Step 1: {@code hostdev list} and {@code groups} show exactly the kernel's devices and IOMMU groups. */
public final class ListStep implements LabStep {
    @Override
    public String title(LabDevices dev) {
        return "list every PCI device and IOMMU group";
    }

    @Override
    public StepVerdict run(StepContext c) {
        StepOutcome list = c.hostdev("list", "list", "--json");
        StepOutcome groups = c.hostdev("groups", "groups", "--json");
        StepOutcome lspci = c.sh("lspci", "lspci -Dn");
        StepOutcome sysGroups = c.sh("iommu-groups", LabDevices.GROUPS_COMMAND);
        if (!list.ok()) {
            return LabStep.failed(list);
        }
        if (!groups.ok()) {
            return LabStep.failed(groups);
        }
        LabDevices now = LabDevices.find(lspci.stdout(), sysGroups.stdout());
        List<String> devices = PciListCheck.deviceDifferences(now, StepContext.json(list).path("pci"));
        if (!devices.isEmpty()) {
            return StepVerdict.failed("hostdev list differs from lspci -Dn and sysfs: " + devices);
        }
        List<String> groupDiff = PciListCheck.groupDifferences(now, StepContext.json(groups));
        if (!groupDiff.isEmpty()) {
            return StepVerdict.failed("hostdev groups differs from /sys/kernel/iommu_groups: " + groupDiff);
        }
        return StepVerdict.passed("hostdev list shows the " + now.lspci().size() + " devices lspci -Dn shows, with the same "
                + "IDs and classes; hostdev groups the same " + now.groups().values().stream().distinct().count()
                + " IOMMU groups as /sys/kernel/iommu_groups");
    }
}
