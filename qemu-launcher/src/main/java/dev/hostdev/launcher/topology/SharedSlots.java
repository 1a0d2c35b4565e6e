package dev.hostdev.launcher.topology;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.EmulatedDeviceSpec;
import dev.hostdev.launcher.spec.FunctionSlot;
import dev.hostdev.launcher.spec.HostdevSpec;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Which devices of a spec share one root port as the functions of one multi-function device, as a libvirt
 * user writes with {@code <address … function='0x1'/>} and {@code multifunction='on'}:
 * <ul>
 *   <li>host devices on root ports, when the spec gives every function the host has at that bus and slot
 *       (one {@code [[hostdev]]} each, or {@code functions = "all"}), function numbers kept; a function with
 *       {@code guest_slot = "own"} keeps a port of its own, and the rest share only if function 0 is among them
 *       (a guest looks for the other functions of a slot only when function 0 is there);</li>
 *   <li>emulated devices of one {@code slot_group}, at their {@code function}.</li>
 * </ul>
 * A device given in part (some functions only) keeps one root port per function, as before, and a note says so.
 */
final class SharedSlots {
    /** Other functions by the id of the device at function 0. */
    private final Map<String, SortedMap<Integer, String>> byLeader = new HashMap<>();
    /** Ids of devices at functions other than 0 of a shared slot: they get no port of their own. */
    private final Set<String> followers = new HashSet<>();

    private SharedSlots() {
    }

    /**
     * Works out the shared slots.
     *
     * @param onRootPorts the PCI hostdevs that go on root ports (not behind the pcie-pci-bridge), in file order
     * @param bridged     the PCI hostdevs that go behind the bridge, only for the notes
     */
    static SharedSlots of(List<HostdevSpec> onRootPorts, List<HostdevSpec> bridged, List<EmulatedDeviceSpec> devices,
                          PciFacts facts, List<String> notes) {
        SharedSlots s = new SharedSlots();
        Map<PciAddress, List<HostdevSpec>> bySlot = new LinkedHashMap<>();
        for (HostdevSpec h : onRootPorts) {
            bySlot.computeIfAbsent(h.pci().orElseThrow().functionZero(), k -> new ArrayList<>()).add(h);
        }
        for (HostdevSpec h : bridged) {
            bySlot.computeIfAbsent(h.pci().orElseThrow().functionZero(), k -> new ArrayList<>()).add(h);
        }
        bySlot.forEach((zero, members) -> s.hostSlot(zero, members, bridged, facts, notes));
        Map<String, SortedMap<Integer, String>> groups = new LinkedHashMap<>();
        for (EmulatedDeviceSpec d : devices) {
            if (d.slot().isPresent()) {
                FunctionSlot f = d.slot().get();
                groups.computeIfAbsent(f.group(), g -> new TreeMap<>()).put(f.function(), d.id());
            }
        }
        groups.values().forEach(g -> s.share(g));
        return s;
    }

    private void hostSlot(PciAddress zero, List<HostdevSpec> members, List<HostdevSpec> bridged, PciFacts facts, List<String> notes) {
        Set<PciAddress> present = new TreeSet<>(facts.functionsOf(zero));
        if (present.size() < 2) {
            return; // a single-function device, or one this host does not have: nothing to share
        }
        Set<PciAddress> given = members.stream().map(h -> h.pci().orElseThrow()).collect(Collectors.toCollection(TreeSet::new));
        String device = "multi-function device " + zero.toString().replaceAll("\\.0$", "") + " (functions "
                + present.stream().map(a -> Integer.toString(a.function())).collect(Collectors.joining(", ")) + ")";
        if (!given.equals(present)) {
            notes.add("the spec gives " + list(members) + " of " + device + " but not "
                    + present.stream().filter(a -> !given.contains(a)).map(PciAddress::toString).collect(Collectors.joining(", "))
                    + ": each function given gets a root port of its own; give every function (or functions = \"all\" on "
                    + zero + ") to keep them in one guest slot");
            return;
        }
        List<HostdevSpec> onBridge = members.stream().filter(bridged::contains).toList();
        if (!onBridge.isEmpty()) {
            notes.add(list(members) + " of " + device + " go behind the pcie-pci-bridge (conventional PCI or legacy = true),"
                    + " one bridge slot each: only devices on root ports share a slot");
            return;
        }
        List<HostdevSpec> own = members.stream().filter(h -> h.slotKeys().ownSlot()).toList();
        List<HostdevSpec> sharing = members.stream().filter(h -> !h.slotKeys().ownSlot()).toList();
        boolean hasZero = sharing.stream().anyMatch(h -> h.pci().orElseThrow().function() == 0);
        if (!own.isEmpty()) {
            notes.add(list(own) + " of " + device + (own.size() == 1 ? " takes a root port of its own" : " take root ports of their own")
                    + " (guest_slot = \"own\")" + (hasZero && sharing.size() > 1 ? "; the other functions share one" : ""));
        }
        if (!hasZero || sharing.size() < 2) {
            return; // without function 0, or with one function left, there is nothing to share: one port each
        }
        SortedMap<Integer, String> slot = new TreeMap<>();
        sharing.forEach(h -> slot.put(h.pci().orElseThrow().function(), h.id()));
        share(slot);
    }

    private void share(SortedMap<Integer, String> byFunction) {
        String leader = byFunction.get(0);
        SortedMap<Integer, String> others = new TreeMap<>(byFunction.tailMap(1));
        byLeader.put(leader, others);
        followers.addAll(others.values());
    }

    private static String list(List<HostdevSpec> members) {
        return members.stream().map(h -> h.pci().orElseThrow() + " (" + h.id() + ")").collect(Collectors.joining(", "));
    }

    /** The devices at functions 1 to 7 of the slot whose function 0 is {@code id}; empty if it shares none. */
    SortedMap<Integer, String> othersOf(String id) {
        return byLeader.getOrDefault(id, new TreeMap<>());
    }

    /** Whether {@code id} sits at a function other than 0 of a shared slot, on its function-0 device's port. */
    boolean isFollower(String id) {
        return followers.contains(id);
    }
}
