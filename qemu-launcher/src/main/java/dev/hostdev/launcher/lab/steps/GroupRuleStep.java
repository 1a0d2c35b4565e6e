package dev.hostdev.launcher.lab.steps;

import dev.hostdev.launcher.lab.KernelView;
import dev.hostdev.launcher.lab.LabDevices;
import dev.hostdev.launcher.lab.LabStep;
import dev.hostdev.launcher.lab.StepContext;
import dev.hostdev.launcher.lab.StepOutcome;
import dev.hostdev.launcher.lab.StepVerdict;

/**
 * Step 4: a legacy e1000 alone is refused (its group holds its sibling, still on e1000) and nothing
 * changes; {@code --group} moves both and leaves the bridge alone.
 */
public final class GroupRuleStep implements LabStep {
    @Override
    public String title(LabDevices dev) {
        return "group rule: " + dev.legacy() + " shares its group with " + dev.legacySibling();
    }

    @Override
    public StepVerdict run(StepContext c) {
        String legacy = c.dev().legacy();
        String sibling = c.dev().legacySibling();
        StepOutcome alone = c.hostdev("detach-alone", "detach", legacy);
        KernelView afterAlone = c.kernel("alone-state");
        StepOutcome group = c.hostdev("detach-group", "detach", "--group", legacy);
        KernelView after = c.kernel("group-state");
        if (alone.ok() || !"e1000".equals(afterAlone.driver(legacy))) {
            return StepVerdict.failed("detaching " + legacy + " alone should be refused (its group holds " + sibling
                    + " on e1000) and change nothing; exit " + alone.exit() + ", now on " + afterAlone.driver(legacy));
        }
        if (!(alone.stderr() + alone.stdout()).contains(sibling.substring(5))) {
            return StepVerdict.failed("the refusal does not name the blocking device " + sibling + ": " + alone.firstLine());
        }
        if (!group.ok()) {
            return LabStep.failed(group);
        }
        if (!"vfio-pci".equals(after.driver(legacy)) || !"vfio-pci".equals(after.driver(sibling))) {
            return StepVerdict.failed("after detach --group: " + legacy + " on " + after.driver(legacy) + ", " + sibling + " on "
                    + after.driver(sibling));
        }
        if (!after.driver(c.dev().bridge()).equals(afterAlone.driver(c.dev().bridge()))) {
            return StepVerdict.failed("detach --group moved the bridge " + c.dev().bridge() + " to " + after.driver(c.dev().bridge()));
        }
        return StepVerdict.passed("alone: refused (exit " + alone.exit() + ", names " + sibling
                + "), nothing changed; --group: both on vfio-pci, the bridge left alone");
    }
}
