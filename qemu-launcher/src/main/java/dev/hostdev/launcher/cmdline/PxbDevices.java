package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.topology.Placement;
import dev.hostdev.launcher.topology.PxbLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The devices of a {@link PxbLayout}: each {@code pxb-pcie} on pcie.0, then its {@code pcie-root-port}s. */
final class PxbDevices {
    private PxbDevices() {
    }

    static List<QemuDevice> of(PxbLayout layout) {
        List<QemuDevice> out = new ArrayList<>();
        for (PxbLayout.Expander x : layout.expanders()) {
            Map<String, Object> props = new LinkedHashMap<>();
            props.put("bus_nr", x.busNr());
            props.put("numa_node", x.guestNode());
            out.add(new EmulatedDevice("pxb-pcie", x.id(), "pcie.0", Optional.of(new Placement("pcie.0", x.slot(), 0).addr()), props));
            for (PxbLayout.Port p : x.ports()) {
                Map<String, Object> port = new LinkedHashMap<>();
                port.put("port", new QemuHex(p.chassis(), 1));
                port.put("chassis", p.chassis());
                out.add(new EmulatedDevice("pcie-root-port", p.id(), x.id(), Optional.of(new Placement(x.id(), p.slot(), 0).addr()), port));
            }
        }
        return out;
    }
}
