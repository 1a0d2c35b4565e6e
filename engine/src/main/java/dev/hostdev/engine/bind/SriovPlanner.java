package dev.hostdev.engine.bind;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plans a change of a physical function's VF count through {@code sriov_numvfs}, as the kernel allows it: one
 * non-zero count cannot replace another (EBUSY), so a change between two goes through 0. The plan starts with a
 * check of the count it found: that step, kept in the journal, is what {@code recover} restores after a crash.
 */
public final class SriovPlanner {
    private static final Pattern FOUND = Pattern.compile("check ([0-9a-f]{4,8}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]) sriov_numvfs reads ([0-9]{1,5})");

    private SriovPlanner() {
    }

    /**
     * @param pf       the physical function
     * @param now      its {@code sriov_numvfs}
     * @param total    its {@code sriov_totalvfs}
     * @param wanted   the count asked for
     * @param settle   how long the VFs may take to show
     * @throws HostdevException USAGE for a count above the total or below 0
     */
    public static DevicePlan plan(PciAddress pf, BindingState state, int now, int total, int wanted, Duration settle) {
        if (wanted < 0 || wanted > total) {
            throw HostdevException.usage(pf + " offers " + total + " VFs (sriov_totalvfs): cannot set " + wanted,
                    "choose a count from 0 to " + total);
        }
        if (wanted == now) {
            return new DevicePlan(pf, Action.SRIOV, state, state, List.of(), pf + " already has " + now + " VFs");
        }
        return new DevicePlan(pf, Action.SRIOV, state, state, steps(pf, now, wanted, settle), "");
    }

    /** The steps from {@code now} VFs to {@code wanted}: the check of the count found, then through 0 if need be. */
    static List<PlanStep> steps(PciAddress pf, int now, int wanted, Duration settle) {
        List<PlanStep> steps = new ArrayList<>();
        String attribute = "bus/pci/devices/" + pf + "/sriov_numvfs";
        steps.add(new PlanCheck.ExpectNumVfs(pf, now, Duration.ZERO));
        if (now > 0 && wanted > 0) {
            steps.add(SysfsWrite.of(attribute, "0"));
            steps.add(new PlanCheck.ExpectNumVfs(pf, 0, settle));
        }
        steps.add(SysfsWrite.of(attribute, Integer.toString(wanted)));
        steps.add(new PlanCheck.ExpectNumVfs(pf, wanted, settle));
        return steps;
    }

    /** The plan that puts the PF back to {@code original} VFs from the {@code now} it has; empty steps if it has them. */
    static DevicePlan restore(PciAddress pf, BindingState state, int now, int original) {
        if (now == original) {
            return new DevicePlan(pf, Action.ROLLBACK, state, state, List.of(), pf + " has its " + original + " VFs");
        }
        List<PlanStep> steps = new ArrayList<>(steps(pf, now, original, ReattachOptions.DEFAULT_SETTLE));
        steps.remove(0);
        return new DevicePlan(pf, Action.ROLLBACK, state, state, steps, "");
    }

    /**
     * The count the PF had before a journalled change: its first step.
     *
     * @throws HostdevException STATE when the entry's first step is not that check for this PF
     */
    static int originalCount(PciAddress pf, List<String> steps) {
        Optional<Matcher> m = steps.stream().findFirst().map(FOUND::matcher).filter(Matcher::matches);
        if (m.isEmpty() || !m.get().group(1).equals(pf.toString())) {
            throw new HostdevException(ErrorCode.STATE, "the journal's SR-IOV change of " + pf
                    + " does not begin with the count it found", "check sriov_numvfs by hand and delete the entry");
        }
        return Integer.parseInt(m.get().group(2));
    }
}
