package dev.hostdev.launcher.topology;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The pcie-pci-bridge (libvirt's pcie-to-pci-bridge) for conventional PCI devices: on a root port
 * of its own, its slots 1 to 31 take devices (slot 0 is not used, as libvirt does).
 *
 * @param index     the controller index N: its id and bus name are {@code pci.N}
 * @param rootPort  the id of the root port it sits on
 * @param occupants device id by slot, for the devices plugged in at start
 */
public record BridgePlan(int index, String rootPort, SortedMap<Integer, String> occupants) {
    /** The first and last usable slot. */
    public static final int FIRST_SLOT = 1, LAST_SLOT = 31;

    /** Checks slots and copies the map. */
    public BridgePlan {
        Objects.requireNonNull(rootPort);
        for (int slot : occupants.keySet()) {
            if (slot < FIRST_SLOT || slot > LAST_SLOT) {
                throw new IllegalArgumentException("bridge slot " + slot);
            }
        }
        occupants = Collections.unmodifiableSortedMap(new TreeMap<>(occupants));
    }

    /** The bridge's QEMU id, also the name of its bus. */
    public String id() {
        return "pci." + index;
    }

    /** The slots left free for hotplug, ascending. */
    public List<Integer> freeSlots() {
        List<Integer> free = new ArrayList<>();
        for (int s = FIRST_SLOT; s <= LAST_SLOT; s++) {
            if (!occupants.containsKey(s)) {
                free.add(s);
            }
        }
        return free;
    }
}
