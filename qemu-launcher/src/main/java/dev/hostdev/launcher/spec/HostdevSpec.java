package dev.hostdev.launcher.spec;

import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.pci.PciAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * A host device given to the VM ({@code [[hostdev]]}): exactly one of a PCI address or a USB
 * device.
 *
 * @param id       the QEMU device id ({@code hostdev0}, … by position unless the spec names one)
 * @param pci      the PCI device, or empty for USB
 * @param usb      the USB device ({@link DeviceRef.Usb} by IDs or {@link DeviceRef.UsbPort} by bus-port), or empty for PCI
 * @param managed  detach from the host driver at start and give back at the end (PCI; default true)
 * @param startup  what to do when it is missing at start
 * @param expect   the IDs it must have, if pinned (PCI)
 * @param legacy   place it behind the pcie-pci-bridge even if it is PCI Express (PCI)
 * @param at       where its device key is written ({@code FILE:LINE}), for hints; {@code null} when not from a file
 */
public record HostdevSpec(String id, Optional<PciAddress> pci, Optional<DeviceRef> usb, boolean managed,
                          StartupPolicy startup, Optional<DeviceIdentity> expect, boolean legacy, String at) {
    /** Requires exactly one source; PCI-only options only with PCI. */
    public HostdevSpec {
        Objects.requireNonNull(id);
        Objects.requireNonNull(startup);
        Objects.requireNonNull(expect);
        if (pci.isPresent() == usb.isPresent()) {
            throw new IllegalArgumentException("a hostdev is either PCI or USB");
        }
        if (usb.isPresent() && usb.get() instanceof DeviceRef.Pci) {
            throw new IllegalArgumentException("a USB hostdev needs a USB device, not " + usb.get());
        }
        if (usb.isPresent() && (legacy || expect.isPresent())) {
            throw new IllegalArgumentException("legacy and expect apply to PCI hostdevs");
        }
    }

    /** A hostdev not read from a file. */
    public HostdevSpec(String id, Optional<PciAddress> pci, Optional<DeviceRef> usb, boolean managed,
                       StartupPolicy startup, Optional<DeviceIdentity> expect, boolean legacy) {
        this(id, pci, usb, managed, startup, expect, legacy, null);
    }

    /** Its table as a hint names it: {@code [[hostdev]] at FILE:LINE}, or by id when not from a file. */
    public String where() {
        return "[[hostdev]] " + (at == null ? "'" + id + "'" : "at " + at);
    }

    /** Whether it is a PCI device. */
    public boolean isPci() {
        return pci.isPresent();
    }

    /** The device as written: PCI address or USB reference. */
    public String source() {
        return pci.map(PciAddress::toString).orElseGet(() -> usb.orElseThrow().toString());
    }
}
