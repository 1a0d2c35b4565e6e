package dev.hostdev.launcher.spec;

import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSelector;
import java.util.Objects;
import java.util.Optional;

/**
 * A host device given to the VM ({@code [[hostdev]]}): a PCI device (by address, or by a selector that
 * survives renumbering) or a USB device.
 *
 * @param id       the QEMU device id ({@code hostdev0}, … by position unless the spec names one)
 * @param pci      the PCI device's address: as written, or what {@code selector} resolved to on this host;
 *                 empty for USB, and for a selector not resolved yet (a spec read without a host)
 * @param selector the PCI selector as written ({@code path}, {@code serial}, {@code slot}, {@code vendor_device}), if any
 * @param usb      the USB device ({@link DeviceRef.Usb} by IDs or {@link DeviceRef.UsbPort} by bus-port), or empty for PCI
 * @param managed  detach from the host driver at start and give back at the end (PCI; default true)
 * @param startup  what to do when it is missing at start
 * @param expect   the IDs it must have, if pinned (PCI)
 * @param legacy   place it behind the pcie-pci-bridge even if it is PCI Express (PCI)
 * @param at       where its device key is written ({@code FILE:LINE}), for hints; {@code null} when not from a file
 * @param gpu      ROM and display options for vfio-pci (PCI)
 * @param slotKeys how it shares a guest slot with the other functions of its device ({@code functions}, {@code guest_slot}; PCI)
 * @param vfOf     a VF of this physical function ({@code vf_of}); {@code pci} is then the VF chosen at start, empty until chosen
 * @param driver   the VFIO driver a managed detach gives it to: {@code auto}, {@code keep} or a driver's name (PCI)
 */
public record HostdevSpec(String id, Optional<PciAddress> pci, Optional<PciSelector> selector, Optional<DeviceRef> usb,
                          boolean managed, StartupPolicy startup, Optional<DeviceIdentity> expect, boolean legacy, String at,
                          GpuOptions gpu, SlotKeys slotKeys, Optional<VfOf> vfOf, String driver) {
    /** Requires exactly one source; PCI-only options only with PCI. */
    public HostdevSpec {
        Objects.requireNonNull(id);
        Objects.requireNonNull(startup);
        Objects.requireNonNull(expect);
        Objects.requireNonNull(selector);
        Objects.requireNonNull(vfOf);
        Objects.requireNonNull(driver);
        if (vfOf.isPresent() && selector.isPresent()) {
            throw new IllegalArgumentException("vf_of and a selector both name the device");
        }
        if ((pci.isPresent() || selector.isPresent() || vfOf.isPresent()) == usb.isPresent()) {
            throw new IllegalArgumentException("a hostdev is either PCI or USB");
        }
        if (usb.isPresent() && usb.get() instanceof DeviceRef.Pci) {
            throw new IllegalArgumentException("a USB hostdev needs a USB device, not " + usb.get());
        }
        if (usb.isPresent() && (legacy || expect.isPresent())) {
            throw new IllegalArgumentException("legacy and expect apply to PCI hostdevs");
        }
        Objects.requireNonNull(gpu);
        if (usb.isPresent() && !gpu.isEmpty()) {
            throw new IllegalArgumentException("GPU options apply to PCI hostdevs");
        }
        Objects.requireNonNull(slotKeys);
        if (usb.isPresent() && !slotKeys.isDefault()) {
            throw new IllegalArgumentException("functions and guest_slot apply to PCI hostdevs");
        }
    }

    /** A hostdev without GPU options, {@code vf_of} or driver choice, with the default slot keys. */
    public HostdevSpec(String id, Optional<PciAddress> pci, Optional<PciSelector> selector, Optional<DeviceRef> usb,
                       boolean managed, StartupPolicy startup, Optional<DeviceIdentity> expect, boolean legacy, String at) {
        this(id, pci, selector, usb, managed, startup, expect, legacy, at, GpuOptions.NONE);
    }

    /**
     * Another function of this device, given with it by {@code functions = "all"}: same options, no
     * {@code expect} (its IDs are function 0's), no GPU options (a ROM or x-vga is function 0's), the slot keys
     * of a plain member.
     */
    public HostdevSpec sibling(String siblingId, PciAddress function) {
        return new HostdevSpec(siblingId, Optional.of(function), Optional.empty(), Optional.empty(), managed, startup,
                Optional.empty(), legacy, at, GpuOptions.NONE, SlotKeys.DEFAULT, Optional.empty(), driver);
    }

    /** A hostdev with the default slot keys, no {@code vf_of} and the default driver. */
    public HostdevSpec(String id, Optional<PciAddress> pci, Optional<PciSelector> selector, Optional<DeviceRef> usb,
                       boolean managed, StartupPolicy startup, Optional<DeviceIdentity> expect, boolean legacy, String at,
                       GpuOptions gpu) {
        this(id, pci, selector, usb, managed, startup, expect, legacy, at, gpu, SlotKeys.DEFAULT, Optional.empty(), "auto");
    }

    /** A hostdev not read from a file. */
    public HostdevSpec(String id, Optional<PciAddress> pci, Optional<DeviceRef> usb, boolean managed,
                       StartupPolicy startup, Optional<DeviceIdentity> expect, boolean legacy) {
        this(id, pci, Optional.empty(), usb, managed, startup, expect, legacy, null, GpuOptions.NONE);
    }

    /** A copy given this PCI device: the VF chosen for {@code vf_of}. */
    public HostdevSpec withPci(PciAddress address) {
        return new HostdevSpec(id, Optional.of(address), selector, usb, managed, startup, expect, legacy, at, gpu, slotKeys, vfOf, driver);
    }

    /** Its table as a hint names it: {@code [[hostdev]] at FILE:LINE}, or by id when not from a file. */
    public String where() {
        return "[[hostdev]] " + (at == null ? "'" + id + "'" : "at " + at);
    }

    /** Whether it is a PCI device. */
    public boolean isPci() {
        return pci.isPresent() || selector.isPresent() || vfOf.isPresent();
    }

    /** The device as written: PCI address (with the selector that found it) or USB reference. */
    public String source() {
        if (vfOf.isPresent()) {
            return pci.map(a -> a + " (" + vfOf.get().source() + ")").orElse(vfOf.get().source());
        }
        if (selector.isPresent()) {
            return pci.map(a -> a + " (" + selector.get().spelling() + ")").orElse(selector.get().spelling());
        }
        return pci.map(PciAddress::toString).orElseGet(() -> usb.orElseThrow().toString());
    }
}
