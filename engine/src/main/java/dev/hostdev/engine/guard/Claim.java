package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Objects;

/**
 * Another manager holds a device: a running QEMU or a libvirt domain.
 *
 * @param device the device
 * @param holder who, e.g. {@code QEMU pid 4242 (qemu-system-x86_64, VM web1)} or {@code libvirt domain web1}
 */
public record Claim(PciAddress device, String holder) {
    public Claim {
        Objects.requireNonNull(device);
        Objects.requireNonNull(holder);
    }

    /** e.g. {@code 0000:01:00.0 is in use by QEMU pid 4242 (…)}. */
    public String describe() {
        return device + " is in use by " + holder;
    }
}
