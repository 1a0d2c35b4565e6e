package dev.hostdev.engine.pci;

import java.util.Map;
import java.util.Optional;

/**
 * Names found in a {@code pci.ids} or {@code usb.ids} file for the IDs that were asked for.
 *
 * @param vendors    vendor ID to name
 * @param devices    {@code vendor << 16 | device} to name
 * @param classes    class to name
 * @param subclasses {@code class << 8 | subclass} to name
 */
public record IdNames(Map<Integer, String> vendors, Map<Integer, String> devices, Map<Integer, String> classes,
        Map<Integer, String> subclasses) {
    /** No names at all (no ids file on the host). */
    public static final IdNames NONE = new IdNames(Map.of(), Map.of(), Map.of(), Map.of());

    /** Copies the maps. */
    public IdNames {
        vendors = Map.copyOf(vendors);
        devices = Map.copyOf(devices);
        classes = Map.copyOf(classes);
        subclasses = Map.copyOf(subclasses);
    }

    /** The vendor's name. */
    public Optional<String> vendor(int vendorId) {
        return Optional.ofNullable(vendors.get(vendorId));
    }

    /** The device's (or USB product's) name. */
    public Optional<String> device(int vendorId, int deviceId) {
        return Optional.ofNullable(devices.get(vendorId << 16 | deviceId));
    }

    /** The most precise class name: the subclass's, else the class's. */
    public Optional<String> className(int classId, int subclassId) {
        String sub = subclasses.get(classId << 8 | subclassId);
        return sub != null ? Optional.of(sub) : Optional.ofNullable(classes.get(classId));
    }
}
