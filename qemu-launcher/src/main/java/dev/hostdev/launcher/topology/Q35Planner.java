package dev.hostdev.launcher.topology;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.DeviceBus;
import dev.hostdev.launcher.spec.DeviceModels;
import dev.hostdev.launcher.spec.DiskSpec;
import dev.hostdev.launcher.spec.EmulatedDeviceSpec;
import dev.hostdev.launcher.spec.HostdevSpec;
import dev.hostdev.launcher.spec.HotplugSpec;
import dev.hostdev.launcher.spec.MemorySize;
import dev.hostdev.launcher.spec.ShareSpec;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Lays out a spec's devices on Q35 as libvirt would. Root ports are created in this order, each
 * group in file order: disks, shares, PCI Express hostdevs, emulated PCI devices, the xHCI
 * controller (when USB devices need one and the spec has none), the pcie-pci-bridge's port (with
 * the bridge), {@code [[hotplug]]} ports, spare ports. Ports added at the end of a spec (spares,
 * hotplug) therefore never move devices already there. Each device sits at {@code addr=0x0} of its
 * port; conventional PCI devices (and those marked legacy) take bridge slots 1, 2, … in file order.
 * The functions of a multi-function device given whole share the port of its function 0 ({@link SharedSlots}).
 */
public final class Q35Planner {
    /** The id of the xHCI controller the plan adds for USB devices. */
    public static final String XHCI_ID = "usb";
    /**
     * Bus numbers reserved behind the bridge's root port: its own secondary bus (where the bridge sits)
     * and the bridge's. Measured with QEMU 7.2's SeaBIOS: 1 leaves the port misconfigured (Linux logs
     * "bridge configuration invalid ([bus 02-01]), reconfiguring"); 2 gives [bus 02-03] as with none.
     */
    static final int BRIDGE_BUS_RESERVE = 2;
    /** Bridge windows are allocated in 1 MiB steps. */
    static final long WINDOW_GRANULE = MemorySize.MIB;

    private final PciFacts facts;
    private final List<String> notes;
    private final List<RootPortPlan> ports = new ArrayList<>();
    private int nextIndex = 1;

    private Q35Planner(PciFacts facts, List<String> notes) {
        this.facts = facts;
        this.notes = notes;
    }

    /**
     * Plans the topology.
     *
     * @param notes receives what the plan assumed (e.g. a hostdev absent from this host, taken as PCI Express)
     * @throws HostdevException usage if the devices do not fit pcie.0, not_found if a [[hotplug]] device is absent
     */
    public static Q35Topology plan(VmSpec spec, PciFacts facts, List<String> notes) {
        return new Q35Planner(facts, notes).layout(spec);
    }

    /** Whether a PCI hostdev goes behind the pcie-pci-bridge: marked legacy, or conventional PCI on this host. */
    public static boolean isBehindBridge(HostdevSpec h, PciFacts facts) {
        return h.legacy() || !facts.isPcie(h.pci().orElseThrow()).orElse(true);
    }

    private Q35Topology layout(VmSpec spec) {
        List<String> bridged = new ArrayList<>();
        List<HostdevSpec> bridgedHostdevs = spec.pciHostdevs().stream().filter(h -> isBehindBridge(h, facts)).toList();
        SharedSlots shared = SharedSlots.of(spec.pciHostdevs().stream().filter(h -> !bridgedHostdevs.contains(h)).toList(),
                bridgedHostdevs, spec.devices(), facts, notes);
        for (DiskSpec d : spec.disks()) {
            add(PortRole.DISK, d.id(), PortReservation.NONE);
        }
        for (ShareSpec s : spec.shares()) {
            add(PortRole.SHARE, s.id(), PortReservation.NONE);
        }
        for (HostdevSpec h : spec.pciHostdevs()) {
            PciAddress a = h.pci().orElseThrow();
            Optional<Boolean> pcie = facts.isPcie(a);
            if (pcie.isEmpty() && !h.legacy()) {
                notes.add(a + " (" + h.id() + ") is not present on this host: planned as PCI Express; mark it legacy = true if it is conventional PCI");
            }
            if (isBehindBridge(h, facts)) {
                bridged.add(h.id());
            } else if (!shared.isFollower(h.id())) {
                add(PortRole.HOSTDEV, h.id(), PortReservation.NONE, shared.othersOf(h.id()));
            }
        }
        boolean hasXhci = false;
        for (EmulatedDeviceSpec d : spec.devices()) {
            if (d.bus() == DeviceBus.ROOT_PORT) {
                if (!shared.isFollower(d.id())) {
                    add(PortRole.DEVICE, d.id(), PortReservation.NONE, shared.othersOf(d.id()));
                }
                hasXhci |= d.model().equals(DeviceModels.XHCI);
            } else if (d.bus() == DeviceBus.BRIDGE) {
                bridged.add(d.id());
            }
        }
        boolean needsXhci = !spec.usbHostdevs().isEmpty() || spec.devices().stream().anyMatch(d -> d.bus() == DeviceBus.XHCI);
        if (needsXhci && !hasXhci) {
            add(PortRole.XHCI, XHCI_ID, PortReservation.NONE);
        }
        Optional<BridgePlan> bridge = Optional.empty();
        if (!bridged.isEmpty() || spec.legacyHotplug()) {
            if (bridged.size() > BridgePlan.LAST_SLOT) {
                throw HostdevException.usage(bridged.size() + " conventional PCI devices do not fit one pcie-pci-bridge ("
                        + BridgePlan.LAST_SLOT + " slots)", "give fewer devices to the VM");
            }
            RootPortPlan port = add(PortRole.BRIDGE, "bridge", new PortReservation(Optional.empty(), Optional.empty(),
                    OptionalInt.of(BRIDGE_BUS_RESERVE), Optional.empty()));
            int bridgeIndex = nextIndex++;
            TreeMap<Integer, String> occupants = new TreeMap<>();
            for (int i = 0; i < bridged.size(); i++) {
                occupants.put(BridgePlan.FIRST_SLOT + i, bridged.get(i));
            }
            bridge = Optional.of(new BridgePlan(bridgeIndex, port.port().id(), occupants));
            // The port's occupant is the bridge's id, known only now.
            ports.set(ports.size() - 1, new RootPortPlan(port.port(), PortRole.BRIDGE, Optional.of("pci." + bridgeIndex),
                    false, port.reservation()));
        }
        for (HotplugSpec h : spec.hotplug()) {
            add(PortRole.HOTPLUG, null, reservationFor(h));
        }
        for (int i = 0; i < spec.spareRootPorts(); i++) {
            add(PortRole.SPARE, null, PortReservation.NONE);
        }
        return new Q35Topology(withMultifunction(), bridge);
    }

    private RootPortPlan add(PortRole role, String occupant, PortReservation reservation) {
        return add(role, occupant, reservation, new TreeMap<>());
    }

    private RootPortPlan add(PortRole role, String occupant, PortReservation reservation, SortedMap<Integer, String> functions) {
        int position = ports.size();
        if (position >= VmSpecLoader.MAX_ROOT_PORTS || nextIndex > 255) {
            throw HostdevException.usage("the VM needs more root ports than pcie.0 holds (" + VmSpecLoader.MAX_ROOT_PORTS + ")",
                    "lower spare_root_ports or give fewer devices");
        }
        RootPort port = new RootPort(nextIndex++, 1 + position / 8, position % 8);
        RootPortPlan plan = new RootPortPlan(port, role, Optional.ofNullable(occupant), false, reservation, functions);
        ports.add(plan);
        return plan;
    }

    /** Function 0 of a slot gets multifunction=on when the slot holds more than one port (as libvirt). */
    private List<RootPortPlan> withMultifunction() {
        List<RootPortPlan> out = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            RootPortPlan p = ports.get(i);
            boolean multi = p.port().function() == 0 && i + 1 < ports.size()
                    && ports.get(i + 1).port().slot() == p.port().slot();
            out.add(new RootPortPlan(p.port(), p.role(), p.occupant(), multi, p.reservation(), p.functions()));
        }
        return out;
    }

    /** Windows for a hotplug port: the device's BARs rounded up to powers of two, or the size given (the larger wins). */
    private PortReservation reservationFor(HotplugSpec h) {
        long mem = 0, pref64 = 0;
        if (h.pci().isPresent()) {
            PciAddress a = h.pci().get();
            BarSizes bars = facts.barSizes(a).orElseThrow(() -> new HostdevException(ErrorCode.NOT_FOUND,
                    "cannot size the hotplug port for " + a + ": no such PCI device on this host",
                    "check the address with 'hostdev list', or give size = \"16G\" instead of pci"));
            mem = bars.mem();
            pref64 = bars.pref64();
        }
        if (h.size().isPresent()) {
            pref64 = Math.max(pref64, h.size().get().bytes());
        }
        return new PortReservation(window(mem), window(pref64), OptionalInt.empty(), h.pci());
    }

    private static Optional<MemorySize> window(long bytes) {
        if (bytes <= 0) {
            return Optional.empty();
        }
        return Optional.of(new MemorySize(Math.max(bytes, WINDOW_GRANULE)).roundUpToPowerOfTwo());
    }
}
