package dev.hostdev.launcher.placement;

import com.sun.jna.LastErrorException;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.numa.CpuList;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.Errno;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.sysfs.SysfsWriteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Pins a started VM as its {@link PlacementPlan} says: each vCPU thread (ids from QMP {@code query-cpus-fast})
 * to its CPU, QEMU's other threads ({@code /proc/PID/task}) to the emulator CPUs, and the VFIO devices'
 * interrupts to the interrupt CPUs. {@link #plan} reads; {@link #apply} changes (the dry run prints the plan).
 * Everything is read and written under the host root.
 */
public final class Pinner {
    private final Sysfs sysfs;
    private final AffinitySetter affinity;
    private final AttributeWriter procWriter;

    /**
     * @param sysfs      the host's sysfs; {@code /proc} is read and written under the same root
     * @param affinity   how a thread's affinity is set
     * @param procWriter how {@code /proc/irq/N/smp_affinity_list} is written (one write(), errno kept)
     */
    public Pinner(Sysfs sysfs, AffinitySetter affinity, AttributeWriter procWriter) {
        this.sysfs = sysfs;
        this.affinity = affinity;
        this.procWriter = procWriter;
    }

    /**
     * The steps for a running QEMU.
     *
     * @param placement the plan
     * @param qemuPid   QEMU's process id
     * @param vcpus     vCPU index to thread id
     * @param vfio      the PCI hostdevs given to it, by id
     */
    public List<PinStep> plan(PlacementPlan placement, int qemuPid, SortedMap<Integer, Integer> vcpus, Map<String, PciAddress> vfio) {
        List<PinStep> steps = new ArrayList<>();
        if (!placement.vcpuCpus().isEmpty()) {
            if (vcpus.size() != placement.vcpuCpus().size()) {
                throw new HostdevException(ErrorCode.QEMU, "QEMU reports " + vcpus.size() + " vCPU threads, the plan pins "
                        + placement.vcpuCpus().size(), null);
            }
            vcpus.forEach((index, tid) -> steps.add(new PinStep.ThreadAffinity(tid, "vcpu " + index,
                    CpuList.of(placement.vcpuCpus().get(index)))));
        }
        if (!placement.emulatorCpus().isEmpty()) {
            String[] listed = sysfs.root().resolve("/proc/" + qemuPid + "/task").toFile().list();
            List<String> tasks = java.util.Arrays.stream(listed == null ? new String[0] : listed).filter(x -> x.matches("[0-9]{1,9}"))
                    .sorted(java.util.Comparator.comparingInt(Integer::parseInt)).toList();
            for (String task : tasks) {
                if (vcpus.containsValue(Integer.parseInt(task))) {
                    continue;
                }
                String name = readComm(qemuPid, task);
                steps.add(new PinStep.ThreadAffinity(Integer.parseInt(task), "emulator thread '" + name + "'", placement.emulatorCpus()));
            }
        }
        if (!placement.irqCpus().isEmpty()) {
            VfioIrqs irqs = new VfioIrqs(sysfs);
            vfio.forEach((id, address) -> irqs.of(address).forEach(irq ->
                    steps.add(new PinStep.IrqAffinity(irq, id + " " + address, placement.irqCpus()))));
        }
        steps.sort(java.util.Comparator.comparingInt(s -> s instanceof PinStep.ThreadAffinity t && t.what().startsWith("vcpu") ? 0
                : s instanceof PinStep.ThreadAffinity ? 1 : 2));
        return steps;
    }

    /**
     * Carries the steps out. A vCPU that cannot be pinned fails (the placement is the point); an emulator
     * thread that has ended meanwhile is skipped; an interrupt the kernel will not move is reported.
     *
     * @return what could not be done but did not fail the whole
     */
    public List<String> apply(List<PinStep> steps) {
        List<String> warnings = new ArrayList<>();
        for (PinStep s : steps) {
            if (s instanceof PinStep.ThreadAffinity t) {
                try {
                    affinity.set(t.tid(), t.cpus());
                } catch (LastErrorException e) {
                    String why = Errno.describe(e.getErrorCode());
                    if (t.what().startsWith("vcpu")) {
                        throw new HostdevException(ErrorCode.KERNEL, "cannot pin " + t.describe() + ": " + why,
                                "check the CPUs are online and allowed to Hostdev (cgroup cpuset)");
                    }
                    warnings.add(t.describe() + ": " + why);
                }
            } else if (s instanceof PinStep.IrqAffinity i) {
                try {
                    procWriter.write(sysfs.root().resolve(i.path()), i.cpus().toString());
                } catch (SysfsWriteException e) {
                    warnings.add(i.describe() + ": " + e.getMessage());
                }
            }
        }
        return warnings;
    }

    private String readComm(int pid, String task) {
        try {
            return java.nio.file.Files.readString(sysfs.root().resolve("/proc/" + pid + "/task/" + task + "/comm")).strip();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
