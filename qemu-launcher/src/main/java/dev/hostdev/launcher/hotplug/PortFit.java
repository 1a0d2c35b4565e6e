package dev.hostdev.launcher.hotplug;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.MemorySize;
import dev.hostdev.launcher.topology.BarSizes;
import dev.hostdev.launcher.topology.PciFacts;
import dev.hostdev.launcher.topology.Pref64Window;
import dev.hostdev.launcher.vm.Slot;
import java.util.Optional;

/**
 * Whether a host device's 64-bit prefetchable BARs fit the window a root port was given at start
 * ({@code pref64-reserve}). A port the firmware sized by default is taken as is (Linux may still find room);
 * one Hostdev sized too small for the device is refused: the guest would log "BAR n: no space" and leave
 * the device without its memory.
 */
final class PortFit {
    private PortFit() {
    }

    /**
     * Whether a conventional PCI device goes to a root port with a reserved 64-bit window rather than a
     * pcie-pci-bridge slot: when it has 64-bit prefetchable BARs and such a port is free. QEMU accepts a
     * conventional device on a root port (the guest sees it without a PCI Express capability); behind the
     * bridge nothing reserves a window for it.
     */
    static boolean wantsReservedPort(dev.hostdev.launcher.vm.SlotMap slots, PciAddress device, PciFacts facts) {
        boolean big = facts.barSizes(device).map(b -> b.pref64() > 0).orElse(false);
        return big && slots.slots().stream().anyMatch(s -> s.kind() == dev.hostdev.launcher.vm.SlotKind.ROOT_PORT && s.isFree()
                && s.pref64Reserve() != null);
    }

    /**
     * @return what was checked, for the plan; empty if there was nothing to check
     * @throws HostdevException state if the port's window is smaller than the device's BARs need
     */
    static Optional<String> check(String vm, Slot slot, PciAddress device, PciFacts facts) {
        if (slot.pref64Reserve() == null) {
            return Optional.empty();
        }
        Optional<BarSizes> bars = facts.barSizes(device);
        if (bars.isEmpty() || bars.get().pref64() == 0) {
            return Optional.empty();
        }
        long need = Pref64Window.of("", bars.get().pref64()).bytes();
        String reserve = new MemorySize(slot.pref64Reserve()).toString();
        if (need > slot.pref64Reserve()) {
            throw new HostdevException(ErrorCode.STATE, "root port " + slot.rootPort() + " of VM " + vm + " reserves " + reserve
                    + " of 64-bit prefetchable memory (pref64-reserve" + (slot.sizedFor() == null ? "" : ", sized for " + slot.sizedFor())
                    + "), but " + device + "'s 64-bit prefetchable BARs (" + bars.get().describePref64() + ") need a " + new MemorySize(need)
                    + " window: the guest could not map them (\"BAR: no space\")",
                    "add [[hotplug]] pci = \"" + device + "\" (or size = \"" + new MemorySize(need) + "\") to the spec and restart the VM:"
                            + " a root port's window is fixed when the VM starts");
        }
        return Optional.of("root port " + slot.rootPort() + " pref64-reserve " + reserve + " holds " + device + "'s BARs ("
                + bars.get().describePref64() + ")");
    }
}
