package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.VmEnd;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRegistry;
import dev.hostdev.launcher.vm.VmState;
import dev.hostdev.launcher.vm.VmStatusJson;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hostdev vm list}: every VM Hostdev knows of, with its state, pid and devices. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List VMs: state (and how QEMU ended), QEMU pid, devices, free hotplug slots.")
public final class VmListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        VmRegistry registry = new VmCommandContext(common, spec.commandLine().getErr()).registry();
        List<VmRecord> vms = registry.all();
        if (json.enabled()) {
            ObjectNode o = JsonLine.object();
            ArrayNode a = o.putArray("vms");
            vms.forEach(r -> a.add(VmStatusJson.of(r, r.effectiveState(), registry.dir(r.name()))));
            JsonLine.print(out, o);
        } else if (vms.isEmpty()) {
            out.println("no VMs (in " + new VmCommandContext(common, spec.commandLine().getErr()).vmsDir() + ")");
        } else {
            out.printf("%-20s %-9s %-8s %-8s %-10s %-17s %s%n", "NAME", "STATE", "PID", "DEVICES", "FREE PORTS", "ENDED",
                    "MANAGED DETACHED");
            for (VmRecord r : vms) {
                VmState state = r.effectiveState();
                boolean live = state.hasProcess();
                VmEnd end = VmStatusJson.endToShow(r, state);
                out.printf("%-20s %-9s %-8s %-8d %-10d %-17s %s%n", r.name(), state.jsonName(),
                        live && r.qemu() != null ? String.valueOf(r.qemu().pid()) : "-", r.devices().size(),
                        r.slots().freeCount(SlotKind.ROOT_PORT), end == null ? "-" : end.reason(),
                        r.managed().isEmpty() ? "-" : String.join(",", r.managed()));
            }
        }
        out.flush();
        return 0;
    }
}
