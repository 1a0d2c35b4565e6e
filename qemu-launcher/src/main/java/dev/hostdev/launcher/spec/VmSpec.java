package dev.hostdev.launcher.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A VM as its spec file describes it, validated: everything needed to plan its Q35 topology and
 * QEMU command line. Load one with {@link VmSpecLoader}.
 *
 * @param name            the VM's name: its runtime directory and QEMU's {@code -name}
 * @param memory          guest RAM, a whole number of MiB
 * @param cpus            virtual CPUs
 * @param accel           the accelerator asked for
 * @param emulator        the QEMU binary, if the spec names one (else {@code qemu-system-x86_64} on PATH)
 * @param spareRootPorts  empty root ports kept for hotplug with default windows
 * @param iommu           the IOMMU emulated for the guest
 * @param kernel          direct kernel boot, if any
 * @param disks           disk images, in file order
 * @param shares          9p shares, in file order
 * @param serial          where the serial port goes
 * @param hostdevs        host devices, in file order
 * @param hotplug         root ports reserved and sized for devices hotplugged later
 * @param devices         emulated devices, in file order
 * @param legacyHotplug   add a pcie-pci-bridge even with no conventional PCI device, for hotplugging one later
 * @param platform        firmware and guest physical address width
 */
public record VmSpec(String name, MemorySize memory, int cpus, Accel accel, Optional<Path> emulator,
                     int spareRootPorts, Iommu iommu, Optional<KernelBoot> kernel, List<DiskSpec> disks,
                     List<ShareSpec> shares, SerialSpec serial, List<HostdevSpec> hostdevs,
                     List<HotplugSpec> hotplug, List<EmulatedDeviceSpec> devices, boolean legacyHotplug,
                     GuestPlatform platform) {
    /** A VM name: used in paths and by QEMU, so letters, digits, '_', '.', '-' only ({@link VmName}). */
    public static final Pattern NAME = VmName.PATTERN;

    /** Validates the name and copies the lists. */
    public VmSpec {
        if (!NAME.matcher(Objects.requireNonNull(name)).matches()) {
            throw new IllegalArgumentException("bad VM name: " + name);
        }
        if (cpus < 1) {
            throw new IllegalArgumentException("cpus must be at least 1");
        }
        if (spareRootPorts < 0) {
            throw new IllegalArgumentException("spare_root_ports must not be negative");
        }
        Objects.requireNonNull(memory);
        Objects.requireNonNull(accel);
        Objects.requireNonNull(emulator);
        Objects.requireNonNull(iommu);
        Objects.requireNonNull(kernel);
        Objects.requireNonNull(serial);
        disks = List.copyOf(disks);
        shares = List.copyOf(shares);
        hostdevs = List.copyOf(hostdevs);
        hotplug = List.copyOf(hotplug);
        devices = List.copyOf(devices);
        Objects.requireNonNull(platform);
    }

    /** A spec with QEMU's default firmware and address width. */
    public VmSpec(String name, MemorySize memory, int cpus, Accel accel, Optional<Path> emulator,
                  int spareRootPorts, Iommu iommu, Optional<KernelBoot> kernel, List<DiskSpec> disks,
                  List<ShareSpec> shares, SerialSpec serial, List<HostdevSpec> hostdevs,
                  List<HotplugSpec> hotplug, List<EmulatedDeviceSpec> devices, boolean legacyHotplug) {
        this(name, memory, cpus, accel, emulator, spareRootPorts, iommu, kernel, disks, shares, serial, hostdevs, hotplug,
                devices, legacyHotplug, GuestPlatform.DEFAULT);
    }

    /** The PCI hostdevs, in file order. */
    public List<HostdevSpec> pciHostdevs() {
        return hostdevs.stream().filter(HostdevSpec::isPci).toList();
    }

    /** The USB hostdevs, in file order. */
    public List<HostdevSpec> usbHostdevs() {
        return hostdevs.stream().filter(h -> !h.isPci()).toList();
    }

    /** This spec with other hostdevs (e.g. a device's functions added by {@code functions = "all"}). */
    public VmSpec withHostdevs(List<HostdevSpec> others) {
        return new VmSpec(name, memory, cpus, accel, emulator, spareRootPorts, iommu, kernel, disks, shares, serial,
                others, hotplug, devices, legacyHotplug);
    }

    /** The hostdev with this id, if any. */
    public Optional<HostdevSpec> hostdev(String id) {
        return hostdevs.stream().filter(h -> h.id().equals(id)).findFirst();
    }
}
