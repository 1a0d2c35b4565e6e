package dev.hostdev.engine.pci;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the selectors of one PCI function are compared with.
 *
 * @param address the function's address now
 * @param vendor  vendor ID
 * @param device  device ID
 * @param path    its {@link TopologyPath}, if it has one
 * @param serials its serial numbers ({@link DeviceSerials})
 * @param slot    the label of the physical slot it is in, if the platform describes one
 * @param notes   what could not be read, and why
 */
public record SelectorFacts(PciAddress address, int vendor, int device, Optional<String> path, List<String> serials,
                            Optional<String> slot, List<String> notes) {
    /** Copies the lists. */
    public SelectorFacts {
        Objects.requireNonNull(address);
        Objects.requireNonNull(path);
        Objects.requireNonNull(slot);
        serials = List.copyOf(serials);
        notes = List.copyOf(notes);
    }

    /** Whether the selector matches this function (ignoring any index, which ranks the matches). */
    public boolean matches(PciSelector selector) {
        if (selector instanceof PciSelector.Path p) {
            return path.isPresent() && path.get().equals(p.value());
        } else if (selector instanceof PciSelector.Serial s) {
            return serials.stream().anyMatch(found -> DeviceSerials.same(found, s.value()));
        } else if (selector instanceof PciSelector.Slot s) {
            return slot.isPresent() && slot.get().equals(s.label());
        }
        PciSelector.Id i = (PciSelector.Id) selector;
        return vendor == i.vendor() && device == i.device();
    }
}
