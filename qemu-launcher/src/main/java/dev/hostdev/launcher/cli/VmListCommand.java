package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.VmEnd;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRegistry;
import dev.hostdev.launcher.vm.VmState;
import dev.hostdev.launcher.vm.VmStatus;
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
        // the state as vm status shows it (paused, supervisor gone), worked out by the same code
        List<VmStatus> statuses = vms.stream().map(r -> new RunningVm(registry.dir(r.name()), null, null)
                .status(r, VmStatusCommand.QMP_TIMEOUT)).toList();
        if (json.enabled()) {
            ObjectNode o = JsonLine.object();
            ArrayNode a = o.putArray("vms");
            statuses.forEach(st -> a.add(VmStatusJson.of(st, registry.dir(st.record().name()))));
            JsonLine.print(out, o);
        } else if (vms.isEmpty()) {
            out.println("no VMs (in " + new VmCommandContext(common, spec.commandLine().getErr()).vmsDir() + ")");
        } else {
            out.printf("%-20s %-9s %-8s %-8s %-10s %-17s %s%n", "NAME", "STATE", "PID", "DEVICES", "FREE PORTS", "ENDED",
                    "MANAGED DETACHED");
            for (VmStatus st : statuses) {
                VmRecord r = st.record();
                VmState state = st.state();
                boolean live = state.hasProcess();
                VmEnd end = VmStatusJson.endToShow(r, state);
                out.printf("%-20s %-9s %-8s %-8d %-10d %-17s %s%n", r.name(), state.jsonName(),
                        live && r.qemu() != null ? String.valueOf(r.qemu().pid()) : "-", r.devices().size(),
                        r.slots().freeCount(SlotKind.ROOT_PORT), end == null ? "-" : end.reason(),
                        r.managed().isEmpty() ? "-" : String.join(",", r.managed()));
            }
            statuses.forEach(st -> st.warnings().forEach(w -> out.println("warning: VM " + st.record().name() + ": " + w)));
        }
        out.flush();
        return 0;
    }
}
