package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.launcher.hotplug.UnplugResult;
import dev.hostdev.launcher.hotplug.Unplugger;
import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.vm.PlanStep;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.VmOperationPlan;
import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code hostdev unplug NAME ID}: asks the guest to release a device and waits until it has; a managed
 * host device is given back only then. Says which it was when it was not released: guest busy, VM
 * paused or no guest to acknowledge, or still pending at the timeout.
 */
@Command(name = "unplug", mixinStandardHelpOptions = true, description = "Unplug a device from a running VM (as 'virsh detach-device"
        + " --live'): device_del, then wait for the guest to release it (DEVICE_DELETED). A managed host device is given back to"
        + " its driver once it is really gone.")
public final class UnplugCommand extends NamedVmCommand {
    /** {@code --timeout}\'s default. */
    static final String DEFAULT_TIMEOUT = "15";

    @Parameters(index = "1", paramLabel = "ID", description = "The device id ('hostdev vm status NAME' lists them).")
    String id;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = DEFAULT_TIMEOUT, converter = DurationConverter.class,
            description = "Seconds to wait for the guest to release it (native PCIe hotplug takes 5-6 s; or 500ms, 2m). "
                    + "Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Mixin
    DryRunOption dryRun;

    @Option(names = "--no-wait", description = "Send device_del and return without waiting for the guest (rigs whose guests run"
            + " firmware only and never acknowledge). The device stays recorded, and a managed host device on vfio-pci, until a"
            + " later 'hostdev unplug NAME ID' finds it gone; --json says \"released\":false. A busy guest is still retried"
            + " until --timeout.")
    boolean noWait;

    @Override
    public Integer call() {
        String name = target.name();
        PrintWriter out = out();
        VmCommandContext ctx = new VmCommandContext(common, err());
        Unplugger unplugger = new Unplugger(new RunningVm(ctx.registry().dir(name), ctx.managed(name), ctx.verbose()));
        if (dryRun.enabled()) {
            VmOperationPlan plan = unplugger.plan(id, timeout, !noWait);
            if (json.enabled()) {
                ObjectNode o = JsonLine.object();
                o.put("vm", name).put("id", id).put("dry_run", true);
                o.set("device_del", QmpCall.deviceDel(id).arguments());
                o.put("timeout_ms", timeout.toMillis()).put("no_wait", noWait);
                var writes = o.putArray("reattach_writes");
                plan.stepsOf(PlanStep.SysfsWrites.class).forEach(w -> writes.addAll(JsonLine.writes(w.writes())));
                JsonLine.print(out, o);
            } else {
                plan.lines().forEach(out::println);
            }
            out.flush();
            return 0;
        }
        UnplugResult r = noWait ? unplugger.request(id, timeout) : unplugger.unplug(id, timeout);
        if (json.enabled()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("vm", name).put("id", id).put("dry_run", false).put("released", r.acked()).put("no_wait", noWait)
                    .put("took_ms", r.took().toMillis()).put("busy_retries", r.retries());
            var a = o.putArray("given_back");
            r.returned().forEach(a::add);
            JsonLine.print(out, o);
        } else if (!r.acked()) {
            out.println("asked VM " + name + " to unplug " + id + " (QEMU accepted device_del in " + r.took().toMillis() + " ms"
                    + (r.retries() > 0 ? ", after " + r.retries() + " busy retries" : "") + "); not waiting for the guest: " + id
                    + " stays recorded" + (r.device().managed() && r.device().host() != null ? " and " + r.device().host() + " on vfio-pci" : "")
                    + " until 'hostdev unplug " + name + " " + id + "' finds it gone");
        } else {
            out.println("unplugged " + id + " from VM " + name + " (the guest released it " + r.took().toMillis() + " ms after device_del"
                    + (r.retries() > 0 ? ", after " + r.retries() + " busy retries" : "") + ")"
                    + (r.returned().isEmpty() ? "" : "; gave " + String.join(", ", r.returned()) + " back to its host driver")
                    + ProcessClock.waited(r.took()).map(w -> "; " + w).orElse(""));
        }
        out.flush();
        return 0;
    }
}
