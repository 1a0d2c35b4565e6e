package dev.hostdev.launcher.vm;

import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.PreflightCheck;
import dev.hostdev.launcher.cmdline.PreflightReport;
import dev.hostdev.launcher.cmdline.ShellQuoting;
import dev.hostdev.launcher.qmp.QmpCall;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A {@code vm start}, planned with every check made ({@link StartPlanner}): what the dry run prints and
 * the real run ({@link VmStarter}) carries out.
 *
 * @param specFile      the spec file
 * @param launch        the QEMU command line and devices (optional USB devices found missing left out)
 * @param checked       what the checks found: the first plan's checks, as the report judged them
 * @param claimsChecked the host PCI devices no VM or other manager was found holding
 * @param detachWrites  the sysfs writes that detach the managed devices (planned)
 * @param detachActions what that detach does besides writing, e.g. {@code 0000:04:01.0: would load module vfio-pci}
 */
public record StartPlan(Path specFile, LaunchPlan launch, List<String> checked, List<String> claimsChecked,
                        List<SysfsWrite> detachWrites, List<String> detachActions) {
    /** Copies the lists. */
    public StartPlan {
        Objects.requireNonNull(specFile);
        Objects.requireNonNull(launch);
        checked = List.copyOf(checked);
        claimsChecked = List.copyOf(claimsChecked);
        detachWrites = List.copyOf(detachWrites);
        detachActions = List.copyOf(detachActions);
    }

    /** What each of {@code checks} found, as the report says: held, or left out (an optional USB device absent). */
    static List<String> judged(List<PreflightCheck> checks, PreflightReport report) {
        List<String> out = new ArrayList<>();
        for (PreflightCheck c : checks) {
            if (report.omits(c) && c instanceof PreflightCheck.UsbDevice u) {
                out.add("USB " + u.device() + " (" + u.hostdevId() + ") is absent: started without it (startup optional)");
            } else {
                out.add(c.describe());
            }
        }
        return out;
    }

    /**
     * QEMU's arguments as {@code vm start} runs them, under a waiter ({@link Supervisor#waitedArgv}): what the dry run
     * prints, the record keeps and {@code --json} shows. {@code vm run} and {@code vm start --foreground} run
     * {@code launch().argv()} (with {@code -action shutdown=pause}, no trace).
     */
    public List<String> argv() {
        return Supervisor.waitedArgv(launch.argv(), ExitReason.traceFile(launch.paths().dir()));
    }

    /** The plan as steps. */
    public VmOperationPlan describe() {
        List<PlanStep> steps = new ArrayList<>();
        checked.forEach(c -> steps.add(new PlanStep.Checked(c)));
        if (!claimsChecked.isEmpty()) {
            steps.add(new PlanStep.Checked("no VM, QEMU or libvirt domain holds " + String.join(", ", claimsChecked)));
        }
        detachActions.forEach(a -> steps.add(new PlanStep.Action(a)));
        steps.add(new PlanStep.SysfsWrites("detach managed devices to vfio-pci"
                + (launch.managed().isEmpty() ? " (none)" : ""), detachWrites));
        launch.placement().flatMap(dev.hostdev.launcher.placement.StartPlacement::reservation).ifPresent(w ->
                steps.add(new PlanStep.SysfsWrites("reserve the missing hugepages on the VM's node", List.of(w))));
        steps.add(new PlanStep.Action("run (paused, in its own session; output to " + launch.paths().dir().resolve("qemu.log") + "): "
                + argv().stream().map(ShellQuoting::quote).collect(Collectors.joining(" "))
                + " (with --foreground: -action shutdown=pause in place of the -trace and -D arguments)"));
        steps.add(new PlanStep.Action("QMP on " + launch.paths().qmpSocket() + ": {\"execute\":\"qmp_capabilities\"} (QEMU "
                + dev.hostdev.launcher.qmp.QemuMonitor.MINIMUM.major() + "." + dev.hostdev.launcher.qmp.QemuMonitor.MINIMUM.minor()
                + " or newer)"));
        steps.add(new PlanStep.Qmp(QmpCall.listPeripherals(),
                String.join(", ", launch.devices().stream().map(d -> d.id()).toList())));
        launch.placement().filter(p -> p.pinsAfterStart()).ifPresent(p -> {
            steps.add(new PlanStep.Qmp(QmpCall.queryCpusFast(), "the thread id of each of " + launch.spec().cpus() + " vCPUs"));
            p.describe().stream().filter(l -> l.startsWith("vcpu ") || l.startsWith("emulator") || l.startsWith("VFIO"))
                    .forEach(l -> steps.add(new PlanStep.Action("pin " + l + (l.startsWith("VFIO")
                            ? " (write each /proc/irq/N/smp_affinity_list of the devices' vfio interrupts found then)"
                            : l.startsWith("emulator") ? " (sched_setaffinity of every other thread in /proc/PID/task)" : " (sched_setaffinity)"))));
        });
        steps.add(new PlanStep.Qmp(QmpCall.cont(), null));
        steps.add(new PlanStep.Action("QEMU runs as the child of a waiter (setsid /bin/sh), which execs 'hostdev vm supervise "
                + launch.spec().name() + " --qemu-pid PID --after-exit STATUS' to give managed devices back when QEMU ends"
                + " (not with --foreground)"));
        return new VmOperationPlan("vm start " + launch.spec().name(), steps);
    }
}
