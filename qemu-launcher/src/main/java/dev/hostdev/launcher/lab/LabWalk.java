package dev.hostdev.launcher.lab;

import dev.hostdev.engine.HostdevException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs a walk of {@link LabStep}s inside a booted lab VM: discovers the lab's devices, starts one
 * {@code hostdev batch} in the guest for every Hostdev command of the walk ({@link GuestHostdevSession}),
 * runs the steps in order and reports each as soon as it is judged. A step whose command this build
 * does not have is reported as skipped, never faked; a step that throws is a failed step, and the walk
 * goes on.
 */
public final class LabWalk {
    private LabWalk() {
    }

    /** Discovers the lab devices inside a booted lab VM (drivers loaded) with shell commands. */
    public static LabDevices discover(GuestShell guest) {
        GuestResult lspci = guest.run("lspci -Dn", java.time.Duration.ofMinutes(1));
        GuestResult groups = guest.run(LabDevices.GROUPS_COMMAND, java.time.Duration.ofMinutes(1));
        return LabDevices.find(lspci.stdout(), groups.stdout());
    }

    /**
     * Runs the steps.
     *
     * @param progress gets each step's report as soon as it is judged
     */
    public static List<LabStepReport> run(LabVm vm, LabDevices devices, List<LabStep> steps, Consumer<LabStepReport> progress) {
        try (GuestHostdevSession hostdev = GuestHostdevSession.start(vm, vm.hostdev())) {
            return walk(new StepContext(vm, hostdev, vm.exchangeDir(), devices), devices, steps, progress);
        }
    }

    /** Runs the steps on a guest whose hostdev batch is started. */
    static List<LabStepReport> walk(StepContext c, LabDevices devices, List<LabStep> steps, Consumer<LabStepReport> progress) {
        List<LabStepReport> reports = new ArrayList<>();
        for (LabStep step : steps) {
            StepVerdict verdict = judge(step, c);
            List<StepOutcome> ran = c.takeOutcomes();
            if (ran.stream().anyMatch(StepOutcome::notImplemented)) {
                verdict = StepVerdict.skipped("`hostdev " + ran.stream().filter(StepOutcome::notImplemented).findFirst()
                        .orElseThrow().name() + "` is not in this build yet");
            }
            LabStepReport report = new LabStepReport(reports.size() + 1, step.title(devices), verdict, ran);
            reports.add(report);
            progress.accept(report);
        }
        return reports;
    }

    private static StepVerdict judge(LabStep step, StepContext c) {
        StepVerdict verdict;
        try {
            verdict = step.run(c);
        } catch (HostdevException | UncheckedIOException | IllegalStateException e) {
            verdict = StepVerdict.failed("could not run or judge the step: " + e.getMessage());
        }
        return verdict;
    }
}
