package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Objects;

/**
 * One way the host itself uses a PCI device, which makes detaching it dangerous.
 *
 * @param device the device (or a bridge above it)
 * @param kind   what the host uses it for
 * @param detail what exactly, e.g. {@code /dev/vda mounted on /}
 */
public record HostUse(PciAddress device, Kind kind, String detail) {
    /** What the host uses a device for. */
    public enum Kind {
        /** It leads to the disk holding the root filesystem: never detached, not even with --force. */
        ROOT_DISK("holds the root filesystem"),
        /** It leads to a disk with a mounted filesystem. */
        MOUNTED_FILESYSTEM("holds a mounted filesystem"),
        /** It leads to a disk that is an active md, dm or LVM member. */
        STORAGE_MEMBER("holds an active RAID/device-mapper/LVM member"),
        /** It leads to a block device a process holds open itself (raw, not through a filesystem). */
        OPEN_DEVICE("has a block device held open by a process"),
        /** It leads to a filesystem no mount namespace shows (lazily unmounted) with files still open. */
        OPEN_FILES("holds a lazily unmounted filesystem with files still open"),
        /** It leads to an active swap area. */
        SWAP("holds active swap"),
        /**
         * It is a network interface that is up with addresses or routes (its own or those of a VLAN, macvlan,
         * bond, bridge or team on top of it), enslaved to a bridge or bond, or moved into another network namespace.
         */
        NETWORK("is an active network interface"),
        /** It is the boot VGA device. */
        BOOT_VGA("is the boot VGA device"),
        /** It drives a framebuffer (the console, usually). */
        FRAMEBUFFER("holds a framebuffer console"),
        /** It is a host bridge. */
        HOST_BRIDGE("is a host bridge"),
        /** It is part of the platform (interrupt controller, IOMMU, event collector): never detached, not even with --force. */
        PLATFORM_FUNCTION("is part of the platform");

        private final String phrase;

        Kind(String phrase) {
            this.phrase = phrase;
        }

        /** The words after the device's address, e.g. "holds the root filesystem". */
        public String phrase() {
            return phrase;
        }
    }

    /** Rejects nulls. */
    public HostUse {
        Objects.requireNonNull(device);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(detail);
    }

    /** Whether --force may override it (everything but the root disk and the platform's own functions). */
    public boolean overridable() {
        return kind != Kind.ROOT_DISK && kind != Kind.PLATFORM_FUNCTION;
    }

    /** e.g. {@code 0000:00:02.0 holds the root filesystem (/dev/vda mounted on /)}. */
    public String describe() {
        return device + " " + kind.phrase() + " (" + detail + ")";
    }
}
