package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.hotplug.UnplugResult;
import dev.hostdev.launcher.hotplug.Unplugger;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmRuntimeDir;
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
 * {@code hostdev unplug NAME ID}: asks the guest to release a device and waits until it has; a managed
 * host device is given back only then. Says which it was when it was not released: guest busy, VM
 * paused or no guest to acknowledge, or still pending at the timeout.
 */
@Command(name = "unplug", mixinStandardHelpOptions = true, description = "Unplug a device from a running VM (as 'virsh detach-device"
        + " --live'): device_del, then wait for the guest to release it (DEVICE_DELETED). A managed host device is given back to"
        + " its driver once it is really gone.")
public final class UnplugCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The VM.")
    String name;

    @Parameters(index = "1", paramLabel = "ID", description = "The device id ('hostdev vm status NAME' lists them).")
    String id;

    @Option(names = "--timeout", paramLabel = "S", defaultValue = "15", converter = DurationConverter.class,
            description = "Seconds to wait for the guest to release it (native PCIe hotplug takes 5-6 s; or 500ms, 2m). "
                    + "Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Option(names = "--dry-run", description = "Print the QMP commands and sysfs writes; do nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        VmCommandContext ctx = new VmCommandContext(common, spec.commandLine().getErr());
        VmRuntimeDir dir = ctx.registry().dir(name);
        Unplugger unplugger = new Unplugger(dir, ctx.managed(name), ctx.verbose());
        if (dryRun && json.enabled()) {
            VmDevice d = unplugger.target(id);
            ObjectNode o = JsonLine.object();
            o.put("vm", name).put("id", id).put("dry_run", true);
            o.set("device_del", Unplugger.deviceDel(id));
            o.put("timeout_ms", timeout.toMillis());
            o.set("reattach_writes", JsonLine.writes(d.managed() && d.host() != null
                    ? ctx.managed(name).reattach(List.of(PciAddress.parse(d.host())), true).writes() : List.of()));
            JsonLine.print(out, o);
            return 0;
        }
        if (dryRun) {
            VmDevice d = unplugger.target(id);
            out.println("# unplug " + id + " from VM " + name + " --dry-run: nothing is changed");
            out.println("QMP: {\"execute\":\"device_del\",\"arguments\":" + Unplugger.deviceDel(id) + "}");
            out.println("wait up to " + DurationConverter.describe(timeout) + " for DEVICE_DELETED of " + id + "; cross-check qom-list /machine/peripheral");
            if (d.managed() && d.host() != null) {
                out.println("then give " + d.host() + " back to its host driver:");
                VmCommandContext.printWrites(out, ctx.managed(name).reattach(List.of(PciAddress.parse(d.host())), true));
            }
            out.flush();
            return 0;
        }
        UnplugResult r = unplugger.unplug(id, timeout);
        if (json.enabled()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("vm", name).put("id", id).put("dry_run", false).put("released", true).put("took_ms", r.took().toMillis())
                    .put("busy_retries", r.retries());
            var a = o.putArray("given_back");
            r.returned().forEach(a::add);
            JsonLine.print(out, o);
        } else {
            out.println("unplugged " + id + " from VM " + name + " (the guest released it in " + r.took().toMillis() + " ms"
                    + (r.retries() > 0 ? ", after " + r.retries() + " busy retries" : "") + ")"
                    + (r.returned().isEmpty() ? "" : "; gave " + String.join(", ", r.returned()) + " back to its host driver"));
        }
        out.flush();
        return 0;
    }
}
