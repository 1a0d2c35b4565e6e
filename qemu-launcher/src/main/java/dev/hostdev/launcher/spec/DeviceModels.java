package dev.hostdev.launcher.spec;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What Hostdev knows about QEMU device models named in {@code [[device]]}: their default bus, and which are not for that key. */
public final class DeviceModels {
    /** Conventional PCI models: placed behind the pcie-pci-bridge unless the spec says otherwise (as libvirt does). */
    static final Set<String> CONVENTIONAL_PCI = Set.of("e1000", "rtl8139", "ne2k_pci", "pcnet", "i82550", "i82551",
            "i82557a", "i82557b", "i82557c", "i82558a", "i82558b", "i82559a", "i82559b", "i82559c", "i82559er",
            "i82562", "i82801", "lsi53c895a", "lsi53c810", "am53c974", "dc390", "megasas", "pci-serial", "ES1370", "AC97");

    /** Models with a key of their own in the spec, or that the plan adds itself. */
    static final Map<String, String> OWN_KEY = Map.of(
            "pcie-root-port", "spare_root_ports or [[hotplug]]",
            "pcie-pci-bridge", "legacy_hotplug = true (or a [[hostdev]] with legacy = true)",
            "pci-bridge", "legacy_hotplug = true",
            "vfio-pci", "[[hostdev]] pci = …",
            "usb-host", "[[hostdev]] usb = …",
            "intel-iommu", "iommu = \"intel\"",
            "virtio-9p-pci", "[[share]]");

    /** Block device models that take a {@code drive} (and need no other controller than the plan's). */
    static final Set<String> BLOCK = Set.of("nvme", "virtio-blk-pci", "usb-storage");

    /** Models QEMU attaches to no bus ({@code bus = "none"}): an NVMe subsystem that nvme controllers join with {@code subsys = ID}. */
    static final Set<String> BUSLESS = Set.of("nvme-subsys");

    /** The USB controller model the plan uses for USB devices. */
    public static final String XHCI = "qemu-xhci";

    private DeviceModels() {
    }

    /** The bus a model goes on when the spec does not say. */
    public static DeviceBus defaultBus(String model) {
        if (BUSLESS.contains(model)) {
            return DeviceBus.NONE;
        }
        if (isUsb(model)) {
            return DeviceBus.XHCI;
        }
        return CONVENTIONAL_PCI.contains(model) ? DeviceBus.BRIDGE : DeviceBus.ROOT_PORT;
    }

    /** Whether the model is a USB device (plugs into the xHCI controller). */
    static boolean isUsb(String model) {
        return model.startsWith("usb-");
    }

    /** Where the spec says this model instead, if it is one of those (such models are not emulated devices to add). */
    public static Optional<String> ownKey(String model) {
        return Optional.ofNullable(OWN_KEY.get(model));
    }
}
