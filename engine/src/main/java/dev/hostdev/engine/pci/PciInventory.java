package dev.hostdev.engine.pci;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The PCI functions sysfs shows under {@code /sys/bus/pci/devices}, in address order. Each call reads
 * sysfs afresh; nothing is cached.
 */
public final class PciInventory {
    /** Above this many devices {@link #summaries()} reads in parallel (the cost is syscalls, not CPU). */
    private static final int PARALLEL_THRESHOLD = 512;
    private final Sysfs sysfs;

    /** @param sysfs the sysfs to read */
    public PciInventory(Sysfs sysfs) {
        this.sysfs = Objects.requireNonNull(sysfs);
    }

    /** The addresses present, sorted; names that are not PCI addresses are ignored. */
    public List<PciAddress> addresses() {
        List<PciAddress> out = new ArrayList<>();
        for (String name : sysfs.list("bus/pci/devices")) {
            PciAddress a = PciAddress.fromSysfsName(name);
            if (a != null) {
                out.add(a);
            }
        }
        out.sort(null);
        return out;
    }

    /** The list facts of every device, in address order (devices vanishing meanwhile are left out). */
    public List<PciSummary> summaries() {
        List<PciAddress> addresses = addresses();
        if (addresses.size() > PARALLEL_THRESHOLD) {
            return addresses.parallelStream().map(a -> PciDeviceReader.readSummary(sysfs, a)).filter(Objects::nonNull)
                    .toList();
        }
        // A plain loop on small hosts: streams and lambdas cost start-up time a short command notices.
        List<PciSummary> out = new ArrayList<>(addresses.size());
        for (PciAddress a : addresses) {
            PciSummary s = PciDeviceReader.readSummary(sysfs, a);
            if (s != null) {
                out.add(s);
            }
        }
        return out;
    }

    /** Every device in full, in address order. */
    public List<PciDevice> all() {
        return addresses().stream().map(a -> PciDeviceReader.read(sysfs, a)).filter(Objects::nonNull).toList();
    }

    /** One device, or empty if absent. */
    public Optional<PciDevice> get(PciAddress address) {
        return Optional.ofNullable(PciDeviceReader.read(sysfs, address));
    }

    /**
     * One device.
     *
     * @throws HostdevException (not_found) naming the address and pointing at {@code hostdev list}
     */
    public PciDevice find(PciAddress address) {
        return get(address).orElseThrow(() -> notFound(address));
    }

    /** The not-found error for {@code address}. */
    public static HostdevException notFound(PciAddress address) {
        return HostdevException.notFound("no PCI device " + address + " on this host",
                "run 'hostdev list' to see the PCI devices and their addresses");
    }
}
