package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmQmp;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import dev.hostdev.launcher.vm.VmEnd;
import dev.hostdev.launcher.vm.VmStatusJson;
import dev.hostdev.launcher.vm.VmStarter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code hostdev vm status NAME}: state (paused as QEMU reports it), how QEMU ended once it has, pid, each device and the root
 * port it sits on, free slots, managed devices still detached.
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a VM: state (and how QEMU ended, once it has), QEMU pid, devices and the root port each sits on.")
public final class VmStatusCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "The VM.")
    String name;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        VmCommandContext ctx = new VmCommandContext(common, spec.commandLine().getErr());
        VmRuntimeDir dir = ctx.registry().dir(name);
        VmRecord r = dir.require();
        VmState state = r.effectiveState();
        String qmpNote = null;
        List<String> vanished = List.of();
        if (state == VmState.RUNNING) {
            try (QmpClient qmp = VmQmp.connect(dir, ctx.verbose(), Duration.ofSeconds(2))) {
                JsonNode status = qmp.execute("query-status");
                if (!status.path("running").asBoolean(true)) {
                    state = VmState.PAUSED;
                    qmpNote = "QEMU status: " + status.path("status").asText();
                }
                Set<String> present = VmStarter.peripheralIds(qmp);
                vanished = r.devices().stream().map(VmDevice::id).filter(id -> !present.contains(id)).toList();
            } catch (HostdevException e) {
                qmpNote = "QMP did not answer (" + e.getMessage() + "); another client may hold it";
            }
        }
        if (json.enabled()) {
            var o = VmStatusJson.of(r, state, dir);
            o.put("qmp_note", qmpNote);
            var v = o.putArray("vanished");
            vanished.forEach(v::add);
            JsonLine.print(out, o);
            return 0;
        }
        out.println("VM " + r.name() + ": " + state.jsonName() + (state.hasProcess() && r.qemu() != null ? " (QEMU pid " + r.qemu().pid() + ")" : ""));
        if (qmpNote != null) {
            out.println("  " + qmpNote);
        }
        VmEnd end = VmStatusJson.endToShow(r, state);
        if (end != null) {
            out.println("  ended: " + end.describe() + (end.at() == null ? "" : " at " + end.at()));
        }
        out.println("  spec: " + r.spec());
        out.println("  started: " + r.startedAt());
        out.println("  QMP socket: " + dir.qmpSocket() + ", logs: " + dir.qemuLog() + ", " + dir.qmpLog());
        out.println("  devices:");
        for (VmDevice d : r.devices()) {
            out.printf("    %-12s %-16s %-22s%s%s%n", d.id(), d.driver(),
                    d.rootPort() == null ? "on " + d.bus() : "root port " + d.rootPort() + (d.bus().equals(d.rootPort()) ? "" : " via " + d.bus() + " " + d.addr()),
                    d.host() == null ? "" : " host " + d.host() + (d.managed() ? " (managed)" : ""),
                    d.hotplugged() ? " hotplugged" : "");
        }
        out.println("  free for hotplug: " + String.join(", ", r.slots().slots().stream().filter(Slot::isFree)
                .filter(s -> s.kind() == dev.hostdev.launcher.vm.SlotKind.ROOT_PORT).map(Slot::describe).toList())
                + (r.slots().hasBridge() ? "; bridge slots free: " + r.slots().freeCount(dev.hostdev.launcher.vm.SlotKind.BRIDGE_SLOT) : ""));
        if (!r.managed().isEmpty()) {
            out.println("  managed devices detached for this VM: " + String.join(", ", r.managed()));
        }
        if (!vanished.isEmpty()) {
            out.println("  gone from QEMU though recorded: " + String.join(", ", vanished)
                    + " (a guest can take a hotplug made while it boots as an unplug); 'hostdev unplug " + r.name() + " ID' tidies the record");
        }
        out.flush();
        return 0;
    }
}
