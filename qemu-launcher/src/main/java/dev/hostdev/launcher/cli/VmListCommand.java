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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code hostdev vm list}: every VM Hostdev knows of, with its state, pid and devices. */
@Command(name = "list", mixinStandardHelpOptions = true, description = {
    "List VMs: state (and how QEMU ended), QEMU pid, devices, free hotplug slots.",
    "A VM whose record cannot be read (damaged, or refused by the trust rules: another owner, a link, a writable directory)"
        + " is listed as 'unreadable' with the reason on standard error (under \"unreadable\" in JSON); the others are listed as usual"
        + " and the exit status stays 0."})
public final class VmListCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    JsonOption json;

    @Spec
    CommandSpec spec;

    /** What a VM whose record cannot be read is shown as. */
    static final String UNREADABLE = "unreadable";

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        VmCommandContext ctx = new VmCommandContext(common, err);
        VmRegistry registry = ctx.registry();
        List<VmRegistry.Entry> vms = registry.scan();
        // the state as vm status shows it (paused, supervisor gone), worked out by the same code
        Map<String, VmStatus> statuses = new HashMap<>();
        for (VmRegistry.Entry e : vms) {
            if (e.readable()) {
                statuses.put(e.name(), new RunningVm(registry.dir(e.name()), null, null)
                        .status(e.record(), VmStatusCommand.QMP_TIMEOUT));
            }
        }
        if (json.enabled()) {
            ObjectNode o = JsonLine.object();
            ArrayNode a = o.putArray("vms");
            ArrayNode bad = o.putArray("unreadable");
            for (VmRegistry.Entry e : vms) {
                if (e.readable()) {
                    a.add(VmStatusJson.of(statuses.get(e.name()), registry.dir(e.name())));
                } else {
                    bad.add(unreadableJson(e));
                }
            }
            JsonLine.print(out, o);
        } else if (vms.isEmpty()) {
            out.println("no VMs (in " + ctx.vmsDir() + ")");
        } else {
            out.printf("%-20s %-11s %-8s %-8s %-10s %-17s %s%n", "NAME", "STATE", "PID", "DEVICES", "FREE PORTS", "ENDED",
                    "MANAGED DETACHED");
            for (VmRegistry.Entry e : vms) {
                if (!e.readable()) {
                    out.printf("%-20s %-11s %-8s %-8s %-10s %-17s %s%n", e.name(), UNREADABLE, "-", "-", "-", "-", "-");
                    continue;
                }
                VmStatus st = statuses.get(e.name());
                VmRecord r = st.record();
                VmState state = st.state();
                boolean live = state.hasProcess();
                VmEnd end = VmStatusJson.endToShow(r, state);
                out.printf("%-20s %-11s %-8s %-8d %-10d %-17s %s%n", r.name(), state.jsonName(),
                        live && r.qemu() != null ? String.valueOf(r.qemu().pid()) : "-", r.devices().size(),
                        r.slots().freeCount(SlotKind.ROOT_PORT), end == null ? "-" : end.reason(),
                        r.managed().isEmpty() ? "-" : String.join(",", r.managed()));
            }
            statuses.values().stream().sorted(java.util.Comparator.comparing(st -> st.record().name()))
                    .forEach(st -> st.warnings().forEach(w -> out.println("warning: VM " + st.record().name() + ": " + w)));
        }
        out.flush();
        for (VmRegistry.Entry e : vms) {
            if (!e.readable()) {
                err.println("hostdev: warning: VM " + e.name() + " is unreadable: " + e.problem().getMessage());
                if (e.problem().hint() != null) {
                    err.println("hint: " + e.problem().hint());
                }
            }
        }
        err.flush();
        return 0;
    }

    /** {@code {"name","error":{"code","message","hint"}}}: what could be read of it, and why the rest could not. */
    private static ObjectNode unreadableJson(VmRegistry.Entry e) {
        ObjectNode o = JsonLine.object();
        o.put("name", e.name());
        ObjectNode error = o.putObject("error");
        error.put("code", e.problem().code().jsonName());
        error.put("message", e.problem().getMessage());
        if (e.problem().hint() == null) {
            error.putNull("hint");
        } else {
            error.put("hint", e.problem().hint());
        }
        return o;
    }
}
