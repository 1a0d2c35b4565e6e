package dev.hostdev.engine.pci;

import dev.hostdev.engine.ErrorCode;
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
    private final Sysfs sysfs;
    private final int parallelFrom;

    /** @param sysfs the sysfs to read */
    public PciInventory(Sysfs sysfs) {
        this(sysfs, PARALLEL_FROM);
    }

    /** With another threshold for reading in parallel (tests). */
    PciInventory(Sysfs sysfs, int parallelFrom) {
        this.sysfs = Objects.requireNonNull(sysfs);
        this.parallelFrom = parallelFrom;
    }

    /**
     * The addresses of the entries whose names are PCI addresses as the kernel writes them, sorted. An
     * entry with any other name is not here: {@link #listing(boolean)} reports it.
     */
    public List<PciAddress> addresses() {
        return split(sysfs.list("bus/pci/devices"), null);
    }

    /** The names that are addresses, sorted; the others go to {@code others} when it is given. */
    private static List<PciAddress> split(List<String> names, List<String> others) {
        List<PciAddress> out = new ArrayList<>(names.size());
        for (String name : names) {
            PciAddress a = PciAddress.fromSysfsName(name);
            if (a != null) {
                out.add(a);
            } else if (others != null) {
                others.add(name);
            }
        }
        out.sort(null);
        return out;
    }

    /** From this many devices on, {@link #summaries()} reads with one thread per CPU (at most four). */
    static final int PARALLEL_FROM = 1024;

    /**
     * The list facts of every device read in full, in address order. Entries that cannot be read are
     * not here: a listing shown to a person uses {@link #listing(boolean)}, which reports them.
     */
    public List<PciSummary> summaries() {
        return summaries(true);
    }

    /**
     * As {@link #summaries()}; without {@code numaNodes} each device's {@code numa_node} is not read
     * (one file less per device for a listing that does not show it).
     */
    public List<PciSummary> summaries(boolean numaNodes) {
        return listing(numaNodes).devices();
    }

    /**
     * Every entry of {@code /sys/bus/pci/devices}: the devices read in full, in address order, and the
     * entries that could not be read (an unparsable name, a dangling link, {@code vendor}, {@code device}
     * or {@code class} missing or garbage) with what could be read of them. Only entries that vanish
     * while being read are in neither list.
     *
     * @param numaNodes whether to read each device's {@code numa_node}
     */
    public PciListing listing(boolean numaNodes) {
        List<String> otherNames = new ArrayList<>();
        List<PciAddress> addresses = split(sysfs.list("bus/pci/devices"), otherNames);
        PciSummary[] read = new PciSummary[addresses.size()];
        int threads = addresses.size() < parallelFrom ? 1
                : Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
        // Plain threads and loops, no streams or lambdas: their start-up cost shows on a small host, and
        // the work is syscalls, which spread well over CPUs.
        Chunk[] chunks = new Chunk[threads];
        int per = (read.length + threads - 1) / Math.max(1, threads);
        for (int t = 0; t < threads; t++) {
            chunks[t] = new Chunk(sysfs, addresses, read, t * per, Math.min(read.length, (t + 1) * per), numaNodes);
        }
        Thread[] workers = new Thread[threads];
        for (int t = 1; t < threads; t++) {
            workers[t] = new Thread(chunks[t], "hostdev-list-" + t);
            workers[t].start();
        }
        chunks[0].run();
        if (chunks[0].failure != null) {
            throw chunks[0].failure;
        }
        for (int t = 1; t < threads; t++) {
            try {
                workers[t].join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while listing PCI devices", e);
            }
            if (chunks[t].failure != null) {
                throw chunks[t].failure;
            }
        }
        List<PciSummary> devices = new ArrayList<>(read.length);
        List<UnreadablePciEntry> unreadable = new ArrayList<>();
        for (int i = 0; i < read.length; i++) {
            if (read[i] != null) {
                devices.add(read[i]);
            } else {
                diagnose(addresses.get(i).toString(), numaNodes, devices, unreadable);
            }
        }
        for (String name : otherNames) {
            diagnose(name, numaNodes, devices, unreadable);
        }
        // sorted only when out of order (an unreadable entry read apart, or a name that is no address): a comparator
        // as a lambda would pull the method-handle machinery into 'list', 20-25 ms of its start-up
        if (!inOrder(devices)) {
            devices.sort(BY_ADDRESS);
        }
        if (unreadable.size() > 1) {
            unreadable.sort(BY_NAME);
        }
        return new PciListing(devices, unreadable);
    }

    private static final java.util.Comparator<PciSummary> BY_ADDRESS = new java.util.Comparator<>() {
        @Override
        public int compare(PciSummary a, PciSummary b) {
            return a.address().compareTo(b.address());
        }
    };

    private static final java.util.Comparator<UnreadablePciEntry> BY_NAME = new java.util.Comparator<>() {
        @Override
        public int compare(UnreadablePciEntry a, UnreadablePciEntry b) {
            return a.name().compareTo(b.name());
        }
    };

    private static boolean inOrder(List<PciSummary> devices) {
        for (int i = 1; i < devices.size(); i++) {
            if (devices.get(i - 1).address().compareTo(devices.get(i).address()) > 0) {
                return false;
            }
        }
        return true;
    }

    /** The slow read of an entry the quick one could not read: into one list or the other, or neither if gone. */
    private void diagnose(String name, boolean numaNodes, List<PciSummary> devices, List<UnreadablePciEntry> unreadable) {
        PciEntryDiagnosis.Result r = PciEntryDiagnosis.read(sysfs, name, numaNodes);
        if (r == null) {
            return;
        }
        if (r.device() != null) {
            devices.add(r.device());
        } else {
            unreadable.add(r.unreadable());
        }
    }

    /** Reads the summaries of one slice of the addresses. */
    private static final class Chunk implements Runnable {
        private final Sysfs sysfs;
        private final List<PciAddress> addresses;
        private final PciSummary[] into;
        private final int from;
        private final int to;
        private final boolean numaNodes;
        private RuntimeException failure;

        Chunk(Sysfs sysfs, List<PciAddress> addresses, PciSummary[] into, int from, int to, boolean numaNodes) {
            this.sysfs = sysfs;
            this.addresses = addresses;
            this.into = into;
            this.from = from;
            this.to = to;
            this.numaNodes = numaNodes;
        }

        @Override
        public void run() {
            try {
                for (int i = from; i < to; i++) {
                    into[i] = PciDeviceReader.readSummary(sysfs, addresses.get(i), numaNodes);
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }
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
     * What could be read of the entry {@code address} when it is present but cannot be read in full;
     * empty when it reads in full or is absent.
     */
    public Optional<UnreadablePciEntry> unreadable(PciAddress address) {
        if (PciDeviceReader.read(sysfs, address) != null) {
            return Optional.empty();
        }
        PciEntryDiagnosis.Result r = PciEntryDiagnosis.read(sysfs, address.toString(), true);
        return r == null ? Optional.empty() : Optional.ofNullable(r.unreadable());
    }

    /**
     * One device.
     *
     * @throws HostdevException (not_found) naming the address and pointing at {@code hostdev list}; (environment)
     *         when the entry is there but cannot be read, naming what is wrong with it
     */
    public PciDevice find(PciAddress address) {
        Optional<PciDevice> device = get(address);
        if (device.isPresent()) {
            return device.get();
        }
        Optional<UnreadablePciEntry> bad = unreadable(address);
        if (bad.isPresent()) {
            throw cannotRead(bad.get());
        }
        throw notFound(address);
    }

    /** The error for an entry that is present but cannot be read. */
    public static HostdevException cannotRead(UnreadablePciEntry entry) {
        return new HostdevException(ErrorCode.ENVIRONMENT, "PCI device " + entry.printableName()
                + " is listed in /sys/bus/pci/devices but cannot be read: " + entry.problem() + " (read: "
                + entry.whatWasRead() + ")",
                "check the kernel log (dmesg) for errors about the device; 'hostdev list' lists it with what can be "
                        + "read; a device that no longer answers may come back after a remove and rescan of its bus");
    }

    /** The not-found error for {@code address}. */
    public static HostdevException notFound(PciAddress address) {
        return HostdevException.notFound("no PCI device " + address + " on this host",
                "run 'hostdev list' to see the PCI devices and their addresses");
    }
}
