package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.launcher.vm.PlanStep;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.VmOperationPlan;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmStatusJson;
import dev.hostdev.launcher.vm.VmStopper;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code hostdev vm stop NAME}: ACPI power-off, {@code quit} after the timeout, SIGTERM then SIGKILL if QEMU
 * is still there; managed devices are given back before it returns. The plan and the stop are {@link VmStopper}'s.
 */
@Command(name = "stop", mixinStandardHelpOptions = true, description = {
    "Stop a VM: system_powerdown, then QMP quit after --timeout, then SIGTERM, then SIGKILL; managed devices are given back.",
    "On a VM whose QEMU already ended (guest power-off, quit, signal, crash) it only cleans up, says how it ended",
    "and exits 0."})
public final class VmStopCommand extends NamedVmCommand {
    /** {@code --timeout}\'s default. */
    static final String DEFAULT_TIMEOUT = "30";

    @Option(names = "--timeout", paramLabel = "S", defaultValue = DEFAULT_TIMEOUT, converter = DurationConverter.class,
            description = "Seconds the guest gets to power off before QEMU is told to quit (or 500ms, 2m). Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Option(names = "--force", description = "Skip the power-off request: quit QEMU at once (as 'virsh destroy').")
    boolean force;

    @Mixin
    DryRunOption dryRun;

    @Override
    public Integer call() {
        String name = target.name();
        PrintWriter out = out();
        RunningVm vm = target.open(common, err());
        VmStopper stopper = new VmStopper(vm, json.enabled() ? err() : out);
        if (dryRun.enabled()) {
            VmOperationPlan plan = stopper.plan(timeout, force);
            if (json.enabled()) {
                JsonLine.print(out, dryRunJson(vm, plan));
            } else {
                plan.lines().forEach(out::println);
            }
            out.flush();
            return 0;
        }
        VmStopper.Result result = stopper.stop(timeout, force);
        if (json.enabled()) {
            var o = VmStatusJson.of(result.record(), result.record().state(), vm.dir());
            o.put("ended_by", result.how().name().toLowerCase(java.util.Locale.ROOT));
            o.put("took_ms", result.took().toMillis());
            o.put("dry_run", false);
            var did = o.putArray("did");
            result.did().forEach(did::add);
            JsonLine.print(out, o);
        } else {
            String how = switch (result.how()) {
                case ALREADY_ENDED -> "QEMU had already ended"
                        + (result.record().ended() == null ? "" : ": " + result.record().ended().describe()) + "; cleaned up";
                case POWERDOWN -> "the guest powered off";
                case QUIT -> "QEMU quit";
                case SIGTERM -> "QEMU exited on SIGTERM";
                case SIGKILL -> "QEMU was killed (SIGKILL)";
            };
            out.printf("VM %s is %s: %s; took %d ms%s%n", name, result.record().state().jsonName(), how, result.took().toMillis(),
                    ProcessClock.waited(result.took()).map(w -> ", " + w).orElse(""));
        }
        out.flush();
        return 0;
    }

    /** The dry run as JSON: the VM as it is, and the plan's QMP commands, timeouts and sysfs writes. */
    private ObjectNode dryRunJson(RunningVm vm, VmOperationPlan plan) {
        VmRecord r = vm.record();
        var o = VmStatusJson.of(r, r.effectiveState(), vm.dir());
        o.put("dry_run", true);
        var qmp = o.putArray("qmp");
        plan.stepsOf(PlanStep.Qmp.class).forEach(q -> qmp.add(q.call().json()));
        o.put("powerdown_timeout_ms", r.qemuAlive() && !force ? (Long) timeout.toMillis() : null);
        o.put("kill_pid", r.qemuAlive() ? r.qemu().pid() : null);
        var writes = o.putArray("reattach_writes");
        plan.stepsOf(PlanStep.SysfsWrites.class).forEach(w -> writes.addAll(JsonLine.writes(w.writes())));
        return o;
    }
}
