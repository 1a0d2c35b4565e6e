package dev.hostdev.launcher.spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A device QEMU emulates ({@code [[device]]}): a NIC, an NVMe controller, a USB controller or USB
 * device, … Lab VMs use them as stand-ins for host hardware.
 *
 * @param id    the QEMU device id
 * @param model the QEMU device name ({@code e1000e}, {@code nvme}, {@code usb-kbd}, …)
 * @param bus   where it is plugged
 * @param drive for block devices (nvme, virtio-blk-pci): a raw image given to it through {@code -drive if=none}
 * @param props extra QEMU properties, in file order; values are String, Long or Boolean
 * @param memory RAM for a memory backend the device takes ({@link DeviceMemory}), if any
 * @param slot   its function in a multi-function slot shared with other devices ({@code slot_group}), if any
 */
public record EmulatedDeviceSpec(String id, String model, DeviceBus bus, Optional<Path> drive, Map<String, Object> props,
                                 Optional<MemorySize> memory, Optional<FunctionSlot> slot) {
    /** Copies the properties (keeping order). */
    public EmulatedDeviceSpec {
        Objects.requireNonNull(id);
        Objects.requireNonNull(model);
        Objects.requireNonNull(bus);
        Objects.requireNonNull(drive);
        props = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(props));
        Objects.requireNonNull(memory);
        Objects.requireNonNull(slot);
        if (slot.isPresent() && bus != DeviceBus.ROOT_PORT) {
            throw new IllegalArgumentException("a slot_group device sits on a root port");
        }
    }

    /** A device in a slot of its own. */
    public EmulatedDeviceSpec(String id, String model, DeviceBus bus, Optional<Path> drive, Map<String, Object> props,
                              Optional<MemorySize> memory) {
        this(id, model, bus, drive, props, memory, Optional.empty());
    }

    /** A device without a memory backend, in a slot of its own. */
    public EmulatedDeviceSpec(String id, String model, DeviceBus bus, Optional<Path> drive, Map<String, Object> props) {
        this(id, model, bus, drive, props, Optional.empty());
    }
}
