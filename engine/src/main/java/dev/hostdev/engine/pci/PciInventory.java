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

    /** From this many devices on, {@link #summaries()} reads with one thread per CPU (at most four). */
    static final int PARALLEL_FROM = 1024;

    /** The list facts of every device, in address order (devices vanishing meanwhile are left out). */
    public List<PciSummary> summaries() {
        return summaries(true);
    }

    /**
     * As {@link #summaries()}; without {@code numaNodes} each device's {@code numa_node} is not read
     * (one file less per device for a listing that does not show it).
     */
    public List<PciSummary> summaries(boolean numaNodes) {
        List<PciAddress> addresses = addresses();
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
        List<PciSummary> out = new ArrayList<>(read.length);
        for (PciSummary s : read) {
            if (s != null) {
                out.add(s);
            }
        }
        return out;
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
