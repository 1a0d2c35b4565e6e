package dev.hostdev.launcher.spec;

import dev.hostdev.engine.numa.CpuList;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The spec's {@code [placement]}: where on the host the VM runs (NUMA node, the host CPU of each vCPU,
 * the emulator's CPUs, hugepages), and how many NUMA nodes the guest sees.
 *
 * @param numa             the host node: {@code "device"} (the node of the VM's PCI hostdevs) or a number
 * @param vcpuPin          the host CPU of each vCPU: chosen ({@code "auto"}) or given in vCPU order
 * @param emulatorPin      the host CPUs of QEMU's other threads (and the device's interrupts): chosen or given
 * @param hugepagesKib     the hugepage size of guest RAM in KiB (2048, 1048576); empty: ordinary pages
 * @param reserveHugepages reserve missing hugepages on the node ({@code nr_hugepages}) at start
 * @param steerIrqs        move the VFIO devices' interrupts (INTx, MSI, MSI-X) to the emulator's CPUs after start
 * @param guestNodes       NUMA nodes the guest sees, when the spec asks for more than one per host node used
 * @param deviceNodes      the guest node of devices by id ({@code [placement.device_nodes]}): each goes on a pxb-pcie of it
 * @param where            FILE:LINE of the table, for messages
 */
public record PlacementSpec(Optional<Numa> numa, Optional<Pin> vcpuPin, Optional<Pin> emulatorPin, OptionalLong hugepagesKib,
                            boolean reserveHugepages, boolean steerIrqs, OptionalInt guestNodes,
                            java.util.Map<String, Integer> deviceNodes, String where) {
    /** Checks presence of the parts. */
    public PlacementSpec {
        Objects.requireNonNull(numa);
        Objects.requireNonNull(vcpuPin);
        Objects.requireNonNull(emulatorPin);
        Objects.requireNonNull(hugepagesKib);
        Objects.requireNonNull(guestNodes);
        Objects.requireNonNull(where);
        deviceNodes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(deviceNodes));
    }

    /** Whether the host side is asked for at all (a node, pinning or hugepages), beyond the guest's own nodes. */
    public boolean bindsToHost() {
        return numa.isPresent() || vcpuPin.isPresent() || emulatorPin.isPresent() || hugepagesKib.isPresent();
    }

    /** The host node asked for. */
    public sealed interface Numa {
        /** {@code numa = "device"}: the node of the VM's PCI hostdevs. */
        record OfDevices() implements Numa {
        }

        /** {@code numa = N}. */
        record Node(int id) implements Numa {
        }
    }

    /** CPUs asked for. */
    public sealed interface Pin {
        /** {@code "auto"}: the planner chooses. */
        record Auto() implements Pin {
        }

        /** A list of host CPUs, e.g. {@code "24-27,72-75"}. */
        record Cpus(CpuList cpus) implements Pin {
        }
    }
}
