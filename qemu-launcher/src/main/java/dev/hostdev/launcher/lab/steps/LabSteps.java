package dev.hostdev.launcher.lab.steps;

import dev.hostdev.launcher.lab.LabStep;
import java.util.List;

/** The walk {@code hostdev lab} runs: list → show → detach → the group rule → start → hotplug ×2 → unplug → stop → reattach. */
public final class LabSteps {
    /** Every step, in order: each leaves the state the next one expects. */
    public static final List<LabStep> ALL = List.of(new ListStep(), new ShowStep(), new DetachStep(), new GroupRuleStep(),
            new StartStep(), new HotplugPortStep(), new HotplugBridgeStep(), new UnplugStep(), new StopStep(), new ReattachStep());

    private LabSteps() {
    }
}
