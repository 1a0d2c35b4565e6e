package dev.hostdev.engine.pci;

import dev.hostdev.engine.sysfs.HostRoot;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;

/**
 * Vendor, device and class names for a set of PCI functions, from the system's {@code pci.ids},
 * spelt the way {@code lspci} spells them.
 */
public final class PciNames {
    private final IdNames names;

    private PciNames(IdNames names) {
        this.names = names;
    }

    /** Looks up the names {@code devices} need (one pass over pci.ids; none if the file is absent). */
    public static PciNames lookup(HostRoot root, Collection<? extends PciFunction> devices) {
        Optional<java.nio.file.Path> file = IdsFile.locate(root, "pci.ids");
        if (file.isEmpty() || devices.isEmpty()) {
            return new PciNames(IdNames.NONE);
        }
        Set<Integer> vendors = new HashSet<>();
        Set<Integer> ids = new HashSet<>();
        Set<Integer> classes = new HashSet<>();
        Set<Integer> subclasses = new HashSet<>();
        for (PciFunction d : devices) {
            vendors.add(d.vendorId());
            ids.add(d.vendorId() << 16 | d.deviceId());
            classes.add(d.classCode() >>> 16);
            subclasses.add(d.classCode() >>> 8);
        }
        return new PciNames(IdsFile.lookup(file.get(), vendors, ids, classes, subclasses));
    }

    /** Names from an already built table (tests). */
    public static PciNames of(IdNames names) {
        return new PciNames(names);
    }

    /** The vendor's name, if known. */
    public Optional<String> vendor(int vendorId) {
        return names.vendor(vendorId);
    }

    /** The device's name, if known. */
    public Optional<String> device(int vendorId, int deviceId) {
        return names.device(vendorId, deviceId);
    }

    /** The class's name (subclass's where known), if known. */
    public Optional<String> className(int classCode) {
        return names.className(classCode >>> 16, (classCode >>> 8) & 0xff);
    }

    /** As lspci: {@code Ethernet controller}, or {@code Class 0200} when unknown. */
    public String classLabel(int classCode) {
        Optional<String> name = className(classCode);
        return name.isPresent() ? name.get() : "Class " + HexFormat.of().toHexDigits((short) (classCode >>> 8));
    }

    /** As lspci: {@code Intel Corporation 82576 Virtual Function}, {@code Intel Corporation Device}, or {@code Device}. */
    public String deviceLabel(int vendorId, int deviceId) {
        Optional<String> v = vendor(vendorId);
        String d = device(vendorId, deviceId).orElse("Device");
        return v.isPresent() ? v.get() + " " + d : d;
    }
}
