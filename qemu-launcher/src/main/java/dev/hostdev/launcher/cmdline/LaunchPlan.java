package dev.hostdev.launcher.cmdline;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.launcher.spec.Accel;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.topology.AddressSpacePlan;
import dev.hostdev.launcher.topology.Q35Topology;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to start a VM, decided and checkable before anything happens: the QEMU
 * argument list, the topology it encodes, the devices on it, the managed PCI devices to detach
 * first, the checks to make and what the plan assumed.
 *
 * @param spec     the spec planned
 * @param argv     QEMU's argument list, binary first
 * @param accel    the accelerator chosen (auto resolved)
 * @param topology the Q35 layout
 * @param devices  the devices on the command line, in order
 * @param managed  PCI devices to detach before start and give back after, in spec order
 * @param checks   what the starter verifies before detaching anything
 * @param notes    assumptions made while planning, for the user
 * @param paths    the runtime directory
 * @param addressSpace the 64-bit PCI hole and the arithmetic behind it
 */
public record LaunchPlan(VmSpec spec, List<String> argv, Accel accel, Q35Topology topology, List<QemuDevice> devices,
                         List<ManagedDevice> managed, List<PreflightCheck> checks, List<String> notes, VmRuntimePaths paths,
                         AddressSpacePlan addressSpace) {
    /** Copies the lists. */
    public LaunchPlan {
        Objects.requireNonNull(spec);
        Objects.requireNonNull(topology);
        Objects.requireNonNull(paths);
        Objects.requireNonNull(addressSpace);
        argv = List.copyOf(argv);
        devices = List.copyOf(devices);
        managed = List.copyOf(managed);
        checks = List.copyOf(checks);
        notes = List.copyOf(notes);
    }

    /** The device with this id on the command line. */
    public Optional<QemuDevice> device(String id) {
        return devices.stream().filter(d -> d.id().equals(id)).findFirst();
    }

    /**
     * As JSON: {@code {"name","accel","argv":[…],"qmp_socket","pidfile","topology":{…},"address_space":{…},
     * "managed":[{"id","address"}…],"checks":[…],"notes":[…]}}.
     */
    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode o = f.objectNode();
        o.put("name", spec.name());
        o.put("accel", accel.qemuName());
        ArrayNode a = o.putArray("argv");
        argv.forEach(a::add);
        o.put("qmp_socket", paths.qmpSocket().toString());
        o.put("pidfile", paths.pidFile().toString());
        o.set("topology", topology.toJson());
        o.set("address_space", addressSpace.toJson());
        ArrayNode m = o.putArray("managed");
        for (ManagedDevice d : managed) {
            m.addObject().put("id", d.hostdevId()).put("address", d.address().toString());
        }
        ArrayNode c = o.putArray("checks");
        checks.forEach(x -> c.add(x.describe()));
        ArrayNode n = o.putArray("notes");
        notes.forEach(n::add);
        return o;
    }
}
