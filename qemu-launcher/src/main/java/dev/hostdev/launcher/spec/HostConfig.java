package dev.hostdev.launcher.spec;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciSelector;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The host configuration {@code hostdev apply} makes the host match: the user's file
 * ({@code /etc/hostdev/host.toml}) and the drop-ins beside it ({@code host.d/*.toml}, among them the one
 * {@code detach --persistent} writes), read by {@link HostConfigLoader}.
 *
 * @param files   the files read, in the order read
 * @param modules kernel modules to load, in order, each once
 * @param devices devices to hold on a VFIO driver
 * @param sriov   SR-IOV VF counts per physical function
 */
public record HostConfig(List<Path> files, List<String> modules, List<HeldDevice> devices, List<VfCount> sriov) {
    /** Copies the lists. */
    public HostConfig {
        files = List.copyOf(files);
        modules = List.copyOf(modules);
        devices = List.copyOf(devices);
        sriov = List.copyOf(sriov);
    }

    /** Whether it asks for nothing at all. */
    public boolean isEmpty() {
        return modules.isEmpty() && devices.isEmpty() && sriov.isEmpty();
    }

    /**
     * How a config entry names its device: a plain address ({@code pci = "…"}) or a selector that survives
     * renumbering ({@code path}, {@code serial}, {@code slot}, {@code vendor_device} with {@code index}).
     *
     * @param pci      the plain address, if given so
     * @param selector the selector, if given so
     * @param expect   the IDs the device must have, if pinned
     * @param where    {@code FILE:LINE} of the entry, for messages
     */
    public record DeviceName(Optional<PciAddress> pci, Optional<PciSelector> selector, Optional<DeviceIdentity> expect,
                             String where) {
        /** Exactly one of pci and selector. */
        public DeviceName {
            Objects.requireNonNull(expect);
            Objects.requireNonNull(where);
            if (pci.isPresent() == selector.isPresent()) {
                throw new IllegalArgumentException("a device is named by pci or by a selector, not both or neither");
            }
        }

        /** The name as the CLI spells it: {@code 0000:03:00.0} or {@code path:pci0000:00/1c.0/00.0}. */
        public String spelling() {
            return pci.map(PciAddress::toString).orElseGet(() -> selector.get().spelling());
        }
    }

    /**
     * A device to hold on a VFIO driver.
     *
     * @param name   how it is named
     * @param driver the VFIO driver to use ({@code auto}: the most specific, as {@code hostdev detach} picks it)
     */
    public record HeldDevice(DeviceName name, String driver) {
        /** Requires both. */
        public HeldDevice {
            Objects.requireNonNull(name);
            Objects.requireNonNull(driver);
        }
    }

    /**
     * An SR-IOV physical function's VF count.
     *
     * @param pf  the physical function
     * @param vfs how many VFs it must have
     */
    public record VfCount(DeviceName pf, int vfs) {
        /** Requires a name and a count of at least 0. */
        public VfCount {
            Objects.requireNonNull(pf);
            if (vfs < 0) {
                throw new IllegalArgumentException("negative VF count");
            }
        }
    }
}
