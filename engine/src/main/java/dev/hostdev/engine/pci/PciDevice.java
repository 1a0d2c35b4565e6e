package dev.hostdev.engine.pci;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Everything sysfs tells about one PCI function at the moment it was read. Read it with
 * {@link PciInventory#find(PciAddress)}; it does not change when the device does.
 *
 * @param address           the function's address
 * @param sysfsPath         its real directory relative to {@code /sys}, e.g.
 *                          {@code devices/pci0000:00/0000:00:1c.0/0000:01:00.0}
 * @param parent            the bridge it sits behind, empty on a root bus
 * @param vendorId          16-bit vendor ID
 * @param deviceId          16-bit device ID
 * @param subsystemVendorId 16-bit subsystem vendor ID (0 when absent, as for bridges)
 * @param subsystemDeviceId 16-bit subsystem device ID
 * @param classCode         24-bit class code
 * @param revision          revision ID
 * @param driver            the bound driver, if any
 * @param driverOverride    {@code driver_override}, empty when it reads {@code (null)} or is absent
 * @param iommuGroup        the IOMMU group, empty when the IOMMU is off
 * @param numaNode          the NUMA node, -1 when the platform has none
 * @param pcie              whether config space carries the PCI Express capability
 * @param pcieType          the PCI Express device/port type (0 endpoint, 4 root port, 7 PCIe-to-PCI bridge…), if known
 * @param link              the PCI Express link, if sysfs shows one
 * @param resetMethods      {@code reset_method}, e.g. {@code [flr, bus]}; empty when the kernel offers none
 * @param sriov             SR-IOV state when this is a physical function
 * @param physfn            the physical function when this is an SR-IOV virtual function
 * @param bootVga           whether {@code boot_vga} reads 1 (the firmware's display)
 */
public record PciDevice(PciAddress address, String sysfsPath, Optional<PciAddress> parent, int vendorId,
        int deviceId, int subsystemVendorId, int subsystemDeviceId, int classCode, int revision,
        Optional<String> driver, Optional<String> driverOverride, OptionalInt iommuGroup, int numaNode,
        boolean pcie, OptionalInt pcieType, Optional<PcieLink> link, List<String> resetMethods,
        Optional<Sriov> sriov, Optional<PciAddress> physfn, boolean bootVga) implements PciFunction {

    /** PCI Express device/port type of a PCI Express to PCI bridge (QEMU's pcie-pci-bridge). */
    public static final int PCIE_TYPE_PCIE_TO_PCI_BRIDGE = 0x7;

    /** Checks ranges and copies lists. */
    public PciDevice {
        Objects.requireNonNull(address);
        Objects.requireNonNull(sysfsPath);
        Objects.requireNonNull(parent);
        Objects.requireNonNull(driver);
        Objects.requireNonNull(driverOverride);
        Objects.requireNonNull(iommuGroup);
        Objects.requireNonNull(pcieType);
        Objects.requireNonNull(link);
        Objects.requireNonNull(sriov);
        Objects.requireNonNull(physfn);
        checkIds(address, vendorId, deviceId, classCode, revision);
        if ((subsystemVendorId & ~0xffff) != 0 || (subsystemDeviceId & ~0xffff) != 0) {
            throw bad(address, "subsystem IDs out of range");
        }
        resetMethods = List.copyOf(resetMethods);
    }

    /** The facts {@code list} shows. */
    public PciSummary summary() {
        return new PciSummary(address, vendorId, deviceId, classCode, revision, driver, iommuGroup,
                OptionalInt.of(numaNode));
    }

    /** A PCI Express to PCI bridge (QEMU's pcie-pci-bridge): the devices behind it share its IOMMU group. */
    public boolean isPcieToPciBridge() {
        return isBridge() && pcieType.isPresent() && pcieType.getAsInt() == PCIE_TYPE_PCIE_TO_PCI_BRIDGE;
    }

    /** An SR-IOV virtual function. */
    public boolean isVirtualFunction() {
        return physfn.isPresent();
    }

    static void checkIds(PciAddress address, int vendorId, int deviceId, int classCode, int revision) {
        if ((vendorId & ~0xffff) != 0 || (deviceId & ~0xffff) != 0) {
            throw bad(address, "vendor or device ID out of range");
        }
        if ((classCode & ~0xffffff) != 0) {
            throw bad(address, "class code out of range");
        }
        if ((revision & ~0xff) != 0) {
            throw bad(address, "revision out of range");
        }
    }

    private static HostdevException bad(PciAddress address, String what) {
        return new HostdevException(ErrorCode.ENVIRONMENT, "sysfs shows bad data for " + address + ": " + what, null);
    }
}
