package dev.hostdev.launcher.placement;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.SysfsWrite;
import dev.hostdev.engine.numa.HugepagePool;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.NativeAttributeWriter;
import dev.hostdev.engine.sysfs.Sysfs;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * What {@code vm start} does for a {@link PlacementPlan}: reserve the missing hugepages on the node before
 * QEMU starts (when asked), and pin after QEMU answers, before the guest runs ({@link Pinner}).
 */
public final class StartPlacement {
    private final Sysfs sysfs;
    private final Pinner pinner;

    /**
     * @param sysfs      the host's sysfs (its writer reserves hugepages)
     * @param affinity   how thread affinity is set
     * @param procWriter how {@code /proc/irq} files are written
     */
    public StartPlacement(Sysfs sysfs, AffinitySetter affinity, AttributeWriter procWriter) {
        this.sysfs = sysfs;
        this.pinner = new Pinner(sysfs, affinity, procWriter);
    }

    /** The real host's: sched_setaffinity and one write() per file, under the sysfs's root. */
    public static StartPlacement of(Sysfs sysfs) {
        return new StartPlacement(sysfs, AffinitySetter.native_(), new NativeAttributeWriter());
    }

    /** The write that reserves the missing hugepages, if the plan reserves and some are missing. */
    public static Optional<SysfsWrite> reservation(PlacementPlan plan) {
        return plan.hugepages().filter(h -> h.reserve() && h.missing() > 0)
                .map(h -> SysfsWrite.of(h.nrHugepagesAttribute(), Long.toString(h.reservedAfter())));
    }

    /**
     * Reserves the missing hugepages, then checks the node has them free: the kernel reserves what it can
     * find, which on a fragmented node may be fewer.
     *
     * @throws HostdevException (environment) naming how many are still missing
     */
    public void reserveHugepages(PlacementPlan plan, PrintWriter out) {
        Optional<SysfsWrite> w = reservation(plan);
        if (w.isEmpty()) {
            return;
        }
        HugepageNeed h = plan.hugepages().orElseThrow();
        sysfs.write(w.get().attribute(), w.get().value());
        String pool = "devices/system/node/node" + h.node() + "/hugepages/hugepages-" + h.sizeKib() + "kB/";
        long free = sysfs.read(pool + "free_hugepages").map(Long::parseLong).orElse(0L);
        if (free < h.needed()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "reserved " + h.sizeName() + " hugepages on node " + h.node()
                    + " (nr_hugepages " + h.reservedAfter() + "), and " + free + " are free: guest RAM needs " + h.needed()
                    + ", " + (h.needed() - free) + " missing", "the node's memory is fragmented or in use: reserve at boot "
                    + "(hugepagesz=" + HugepagePool.sizeName(h.sizeKib()) + " hugepages=N on the kernel command line) or free memory on node " + h.node());
        }
        out.println("reserved " + h.missing() + " " + h.sizeName() + " hugepages on node " + h.node() + " (now " + free + " free)");
    }

    /**
     * Pins a started QEMU; returns what could not be done without failing (see {@link Pinner#apply}).
     *
     * @param vcpus vCPU index to thread id ({@code query-cpus-fast})
     * @param vfio  the PCI hostdevs given to it, by id
     */
    public List<String> pin(PlacementPlan plan, int qemuPid, SortedMap<Integer, Integer> vcpus, Map<String, PciAddress> vfio) {
        if (!plan.pinsAfterStart()) {
            return List.of();
        }
        return pinner.apply(pinner.plan(plan, qemuPid, vcpus, vfio));
    }

    /** Carries out steps {@link #pinPlan} made; returns what could not be done without failing. */
    public List<String> apply(List<PinStep> steps) {
        return pinner.apply(steps);
    }

    /** The steps {@link #pin} would take for a running QEMU, for a dry run. */
    public List<PinStep> pinPlan(PlacementPlan plan, int qemuPid, SortedMap<Integer, Integer> vcpus, Map<String, PciAddress> vfio) {
        return pinner.plan(plan, qemuPid, vcpus, vfio);
    }
}
