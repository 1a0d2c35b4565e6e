package dev.hostdev.launcher.lab.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabStep;
import dev.hostdev.launcher.lab.StepContext;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;
import java.util.Set;
import java.util.TreeSet;

/** Step 2: {@code hostdev show} of the e1000e (alone in its group) and of a legacy e1000 (a group that blocks it). */
public final class ShowStep implements LabStep {
    @Override
    public String title(LabDevices dev) {
        return "show " + dev.nic() + " and " + dev.legacy();
    }

    @Override
    public StepVerdict run(StepContext c) {
        LabDevices dev = c.dev();
        StepOutcome show = c.hostdev("show", "show", dev.nic(), "--json");
        StepOutcome legacyShow = c.hostdev("show-legacy", "show", dev.legacy(), "--json");
        if (!show.ok()) {
            return LabStep.failed(show);
        }
        JsonNode n = StepContext.json(show);
        String driver = n.path("driver").asText();
        JsonNode g = n.path("iommu_group");
        String group = g.isObject() ? g.path("number").asText() : g.asText();
        if (!"e1000e".equals(driver) || !dev.groupOf(dev.nic()).equals(group)) {
            return StepVerdict.failed("show says driver " + driver + ", group " + group + "; the kernel says e1000e, group "
                    + dev.groupOf(dev.nic()));
        }
        if (!legacyShow.ok()) {
            return LabStep.failed(legacyShow);
        }
        JsonNode l = StepContext.json(legacyShow);
        Set<String> members = new TreeSet<>();
        l.path("iommu_group_members").forEach(m -> members.add(m.path("address").asText()));
        if (!members.containsAll(Set.of(dev.bridge(), dev.legacySibling())) || l.path("iommu_group_viable").asBoolean(true)) {
            return StepVerdict.failed("show " + dev.legacy() + " should list its group (" + dev.bridge() + ", "
                    + dev.legacySibling() + ") as not viable: members " + members + ", viable " + l.path("iommu_group_viable"));
        }
        return StepVerdict.passed(dev.nic() + ": e1000e, alone in IOMMU group " + group + "; " + dev.legacy()
                + ": shares group " + dev.groupOf(dev.legacy()) + " with the bridge and " + dev.legacySibling()
                + ", which blocks it");
    }
}
