package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.pci.DeviceRef;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.spec.DeviceIdentity;
import dev.hostdev.launcher.spec.StartupPolicy;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Something that must hold before QEMU starts, so that a missing or wrong device is a clear error
 * naming it instead of QEMU's complaint (or, for usb-host by IDs, no complaint at all). The plan
 * lists them; the starter checks them.
 */
public sealed interface PreflightCheck {
    /** One line saying what is checked. */
    String describe();

    /**
     * A PCI hostdev: the device exists, has the expected IDs if pinned, and (unmanaged) is already on vfio-pci.
     *
     * @param hostdevId      its id in the VM
     * @param address        the host device
     * @param expect         the IDs it must have
     * @param mustBeOnVfio   unmanaged: Hostdev does not detach it, so it must already be bound to vfio-pci
     */
    record PciDevice(String hostdevId, PciAddress address, Optional<DeviceIdentity> expect, boolean mustBeOnVfio)
            implements PreflightCheck {
        /** Requires the fields. */
        public PciDevice {
            Objects.requireNonNull(hostdevId);
            Objects.requireNonNull(address);
            Objects.requireNonNull(expect);
        }

        @Override
        public String describe() {
            return address + " (" + hostdevId + ") is present" + expect.map(e -> " with IDs " + e).orElse("")
                    + (mustBeOnVfio ? " and already bound to vfio-pci (unmanaged)" : "");
        }
    }

    /**
     * A USB hostdev is present; what happens if not depends on the policy.
     *
     * @param hostdevId its id in the VM
     * @param device    the host device
     * @param policy    mandatory/requisite: refuse to start; optional: start without it
     */
    record UsbDevice(String hostdevId, DeviceRef device, StartupPolicy policy) implements PreflightCheck {
        /** Requires the fields. */
        public UsbDevice {
            Objects.requireNonNull(hostdevId);
            Objects.requireNonNull(device);
            Objects.requireNonNull(policy);
        }

        @Override
        public String describe() {
            return "USB " + device + " (" + hostdevId + ") is present (startup " + policy.name().toLowerCase(java.util.Locale.ROOT) + ")";
        }
    }

    /**
     * The QEMU binary exists and knows every device the command line uses ({@code -device help}).
     *
     * @param binary  the binary, as on the command line
     * @param drivers the device names used
     */
    record QemuDevices(Path binary, java.util.SortedSet<String> drivers) implements PreflightCheck {
        /** Copies the set. */
        public QemuDevices {
            Objects.requireNonNull(binary);
            drivers = java.util.Collections.unmodifiableSortedSet(new java.util.TreeSet<>(drivers));
        }

        @Override
        public String describe() {
            return binary + " has the devices " + String.join(", ", drivers);
        }
    }

    /**
     * A file or directory the command line names exists.
     *
     * @param what      what it is (kernel, initrd, disk0, share fs0, …)
     * @param path      its path
     * @param directory whether it must be a directory
     */
    record HostPath(String what, Path path, boolean directory) implements PreflightCheck {
        /** Requires the fields. */
        public HostPath {
            Objects.requireNonNull(what);
            Objects.requireNonNull(path);
        }

        @Override
        public String describe() {
            return what + " " + path + (directory ? " is a directory" : " exists");
        }
    }

    /**
     * A hostdev's {@code romfile} is a readable regular file starting with the option ROM signature 0x55AA
     * ({@link dev.hostdev.launcher.spec.RomFile}).
     *
     * @param hostdevId its id in the VM
     * @param path      the ROM image
     * @param where     the hostdev's table as hints name it
     */
    record RomImage(String hostdevId, Path path, String where) implements PreflightCheck {
        /** Requires the fields. */
        public RomImage {
            Objects.requireNonNull(hostdevId);
            Objects.requireNonNull(path);
            Objects.requireNonNull(where);
        }

        @Override
        public String describe() {
            return "romfile " + path + " (" + hostdevId + ") is a readable option ROM (0x55AA)";
        }
    }
}
