package dev.hostdev.launcher.vm;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** A VM's status as JSON, for {@code vm list --json} and {@code vm status --json}. */
public final class VmStatusJson {
    private VmStatusJson() {
    }

    /**
     * {@code {"name","state","pid","spec","started_at","qmp_socket","devices":[{"id","driver","bus","addr","root_port",
     * "host","managed","hotplugged"}…],"free_root_ports","free_bridge_slots","managed_detached":[…],
     * "ended":{"reason","guest","at","description"} or null while QEMU runs}}.
     *
     * @param state the state to show (the effective one, or paused as QMP reports)
     */
    public static ObjectNode of(VmRecord r, VmState state, VmRuntimeDir dir) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("name", r.name());
        o.put("state", state.jsonName());
        if (r.qemu() != null && state.hasProcess()) {
            o.put("pid", r.qemu().pid());
        } else {
            o.putNull("pid");
        }
        o.put("spec", r.spec());
        o.put("started_at", r.startedAt());
        o.put("qmp_socket", dir.qmpSocket().toString());
        ArrayNode ds = o.putArray("devices");
        for (VmDevice d : r.devices()) {
            ObjectNode j = ds.addObject();
            j.put("id", d.id());
            j.put("driver", d.driver());
            j.put("bus", d.bus());
            j.put("addr", d.addr());
            j.put("root_port", d.rootPort());
            j.put("host", d.host());
            j.put("managed", d.managed());
            j.put("hotplugged", d.hotplugged());
        }
        o.put("free_root_ports", r.slots().freeCount(SlotKind.ROOT_PORT));
        o.put("free_bridge_slots", r.slots().freeCount(SlotKind.BRIDGE_SLOT));
        ArrayNode m = o.putArray("managed_detached");
        r.managed().forEach(m::add);
        VmEnd end = endToShow(r, state);
        if (end == null) {
            o.putNull("ended");
        } else {
            ObjectNode e = o.putObject("ended");
            e.put("reason", end.reason());
            if (end.guest() == null) {
                e.putNull("guest");
            } else {
                e.put("guest", end.guest());
            }
            e.put("at", end.at());
            e.put("description", end.describe());
        }
        return o;
    }

    /**
     * {@link #of(VmRecord, VmState, VmRuntimeDir)} of a worked-out status, with what only it knows:
     * {@code "qmp_note"}, {@code "vanished":[…]}, {@code "supervisor_alive"} (null when no supervisor belongs to
     * the state) and {@code "warnings":[…]}. {@code vm status} and {@code vm list} print the same object.
     */
    public static ObjectNode of(VmStatus s, VmRuntimeDir dir) {
        ObjectNode o = of(s.record(), s.state(), dir);
        o.put("qmp_note", s.qmpNote());
        ArrayNode v = o.putArray("vanished");
        s.vanished().forEach(v::add);
        if (s.supervisorAlive() == null) {
            o.putNull("supervisor_alive");
        } else {
            o.put("supervisor_alive", s.supervisorAlive());
        }
        ArrayNode w = o.putArray("warnings");
        s.warnings().forEach(w::add);
        return o;
    }

    /**
     * How the VM ended, to show with {@code state}: the recorded end, or, when QEMU is gone and nothing
     * has been recorded yet, that no SHUTDOWN event was recorded; {@code null} while QEMU runs.
     */
    public static VmEnd endToShow(VmRecord r, VmState state) {
        if (state.hasProcess()) {
            return null;
        }
        if (r.ended() != null) {
            return r.ended();
        }
        if (r.endedByHostReboot()) {
            return VmEnd.hostReboot(); // noticed now
        }
        return r.qemu() != null && r.state().hasProcess() ? VmEnd.withoutShutdownEvent() : null;
    }
}
