package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciSelectorResolver;
import dev.hostdev.launcher.placement.HostNumaFacts;
import dev.hostdev.launcher.placement.PlacementPlan;
import dev.hostdev.launcher.placement.PlacementPlanner;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import java.util.Optional;

/**
 * Whether the spec's {@code [placement]} can be had on this host now: its node, enough cores for its
 * vCPUs, and free hugepages on the node. Plans it as {@code vm start} would; writes nothing.
 */
final class PlacementCheck implements HostCheck {
    static final String ID = "placement";

    @Override
    public CheckResult run(DoctorContext context) {
        if (context.spec().isEmpty()) {
            return CheckResult.notApplicable(ID, "no --spec given");
        }
        VmSpec spec = VmSpecLoader.load(context.spec().get().file(), new PciSelectorResolver(context.sysfs()));
        if (spec.placement().isEmpty()) {
            return CheckResult.notApplicable(ID, "the spec has no [placement]");
        }
        Optional<PlacementPlan> plan;
        try {
            plan = PlacementPlanner.plan(spec, HostNumaFacts.of(context.sysfs()));
        } catch (HostdevException e) {
            return CheckResult.fail(ID, e.getMessage(), e.hint() == null ? "change [placement] in " + context.spec().get().file() : e.hint());
        }
        PlacementPlan p = plan.orElseThrow();
        String found = String.join("; ", p.describe());
        if (!p.problems().isEmpty()) {
            return CheckResult.fail(ID, String.join("; ", p.problems()), "reserve the hugepages (the command above), "
                    + "or set reserve_hugepages = true in [placement] to have vm start do it");
        }
        boolean quiet = p.notes().stream().noneMatch(n -> n.contains("no isolated or nohz_full cores"));
        if (!quiet) {
            return CheckResult.warn(ID, found, "for steady numbers, boot with isolcpus=… nohz_full=… (the node's cores "
                    + "other than the first) so that ordinary tasks keep off the vCPUs' cores");
        }
        return CheckResult.ok(ID, found.isEmpty() ? "guest NUMA nodes only: nothing to check on the host" : found);
    }
}
