package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmStatusJson;
import dev.hostdev.launcher.vm.VmStopper;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hostdev vm stop NAME}: ACPI power-off, {@code quit} after the timeout, SIGKILL if QEMU is
 * still there; managed devices are given back before it returns.
 */
@Command(name = "stop", mixinStandardHelpOptions = true, description = {
    "Stop a VM: system_powerdown, then QMP quit after --timeout, then SIGKILL; managed devices are given back.",
    "On a VM whose QEMU already ended (guest power-off, quit, signal, crash) it only cleans up, says how it ended",
    "and exits 0."})
public final class VmStopCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The VM.")
    String name;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "30", converter = DurationConverter.class,
            description = "Seconds the guest gets to power off before QEMU is told to quit (or 500ms, 2m). Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Option(names = "--force", description = "Skip the power-off request: quit QEMU at once (as 'virsh destroy').")
    boolean force;

    @Option(names = "--dry-run", description = "Print what would be done; do nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        VmCommandContext ctx = new VmCommandContext(common, spec.commandLine().getErr());
        VmRuntimeDir dir = ctx.registry().dir(name);
        if (dryRun && json.enabled()) {
            JsonLine.print(out, dryRunJson(dir.require(), ctx));
            return 0;
        }
        if (dryRun) {
            VmRecord r = dir.require();
            out.println("# vm stop " + name + " --dry-run: nothing is changed");
            out.println("VM " + name + " is " + r.effectiveState().jsonName() + (r.qemuAlive() ? " (QEMU pid " + r.qemu().pid() + ")" : ""));
            if (r.qemuAlive()) {
                if (!force) {
                    out.println("QMP: {\"execute\":\"system_powerdown\"}, then wait up to " + DurationConverter.describe(timeout) + " for QEMU to exit");
                }
                out.println("QMP: {\"execute\":\"quit\"}, then wait up to 5 s; then SIGKILL pid " + r.qemu().pid());
            }
            for (String host : r.managed()) {
                out.println("give " + host + " back to its host driver:");
                VmCommandContext.printWrites(out, ctx.managed(name).reattach(List.of(PciAddress.parse(host)), true));
            }
            out.flush();
            return 0;
        }
        VmStopper.Result result = new VmStopper(dir, ctx.managed(name), json.enabled() ? spec.commandLine().getErr() : out, ctx.verbose())
                .stop(timeout, force);
        if (json.enabled()) {
            var o = VmStatusJson.of(result.record(), result.record().state(), dir);
            o.put("ended_by", result.how().name().toLowerCase(java.util.Locale.ROOT));
            o.put("took_ms", result.took().toMillis());
            o.put("dry_run", false);
            JsonLine.print(out, o);
        } else {
            String how = switch (result.how()) {
                case ALREADY_ENDED -> "QEMU had already ended"
                        + (result.record().ended() == null ? "" : ": " + result.record().ended().describe()) + "; cleaned up";
                case POWERDOWN -> "the guest powered off";
                case QUIT -> "QEMU quit";
                case SIGKILL -> "QEMU was killed (SIGKILL)";
            };
            out.printf("VM %s is %s: %s; took %d ms%n", name, result.record().state().jsonName(), how, result.took().toMillis());
        }
        out.flush();
        return 0;
    }

    /** The dry run as JSON: the VM as it is, the QMP commands and the sysfs writes that would give devices back. */
    private ObjectNode dryRunJson(VmRecord r, VmCommandContext ctx) {
        var o = VmStatusJson.of(r, r.effectiveState(), ctx.registry().dir(name));
        o.put("dry_run", true);
        var qmp = o.putArray("qmp");
        if (r.qemuAlive()) {
            if (!force) {
                qmp.addObject().put("execute", "system_powerdown");
            }
            qmp.addObject().put("execute", "quit");
        }
        o.put("powerdown_timeout_ms", r.qemuAlive() && !force ? (Long) timeout.toMillis() : null);
        o.put("kill_pid", r.qemuAlive() ? r.qemu().pid() : null);
        var writes = o.putArray("reattach_writes");
        for (String host : r.managed()) {
            writes.addAll(JsonLine.writes(ctx.managed(name).reattach(List.of(PciAddress.parse(host)), true).writes()));
        }
        return o;
    }
}
