package dev.hostdev.launcher.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.LastErrorException;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.numa.CpuList;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Errno;
import dev.hostdev.engine.sysfs.SysfsWriteException;
import dev.hostdev.engine.testing.NumaHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pinning a QEMU on a generated host: its threads in /proc/PID/task, the NIC's vfio interrupts in /proc/interrupts and msi_irqs. */
class PinnerTest {
    @TempDir
    Path dir;
    SysfsTree t;
    final List<String> calls = new ArrayList<>();
    final Map<String, String> written = new TreeMap<>();

    static final int PID = 4242;
    static final PlacementPlan PLAN = new PlacementPlan(OptionalInt.of(1), List.of(6, 14), CpuList.parse("4-5,12-13"),
            CpuList.parse("4-5,12-13"), Optional.empty(), List.of(), Map.of(), List.of(), List.of());

    @BeforeEach
    void host() throws Exception {
        t = NumaHosts.twoSocket(dir, 4);
        for (int[] task : new int[][] {{4242, 0}, {4243, 1}, {4250, 2}, {4251, 3}}) {
            String name = switch (task[1]) {
                case 0 -> "qemu-system-x86";
                case 1 -> "call_rcu";
                case 2 -> "CPU 0/KVM";
                default -> "CPU 1/KVM";
            };
            t.file("/proc/" + PID + "/task/" + task[0] + "/comm", name + "\n");
        }
        t.file("/proc/interrupts", """
                            CPU0       CPU1
                   0:         33          0   IO-APIC   2-edge      timer
                 141:          0          0   PCI-MSIX-0000:b3:00.0    0-edge      vfio-msix[0](0000:b3:00.0)
                 142:          0          0   PCI-MSIX-0000:b3:00.0    1-edge      vfio-msix[1](0000:b3:00.0)
                 150:          0          0   PCI-MSIX-0000:17:00.0    0-edge      vfio-msix[0](0000:17:00.0)
                """);
        t.file("/sys/bus/pci/devices/" + NumaHosts.NIC_NODE1 + "/msi_irqs/141", "msix\n");
        t.file("/sys/bus/pci/devices/" + NumaHosts.NIC_NODE1 + "/msi_irqs/143", "msix\n");
    }

    private Pinner pinner(AffinitySetter affinity) {
        return new Pinner(t.sysfs(), affinity, (path, value) -> written.put(t.hostRoot().display(path), value));
    }

    @Test
    void vcpusToTheirCpusOtherThreadsToTheEmulatorsIrqsOfTheDeviceToHousekeeping() {
        Pinner p = pinner((tid, cpus) -> calls.add(tid + ":" + cpus));
        List<PinStep> steps = p.plan(PLAN, PID, new TreeMap<>(Map.of(0, 4250, 1, 4251)), Map.of("nic", PciAddress.parse(NumaHosts.NIC_NODE1)));
        assertEquals(List.of(
                "vcpu 0 (thread 4250) -> CPUs 6",
                "vcpu 1 (thread 4251) -> CPUs 14",
                "emulator thread 'qemu-system-x86' (thread 4242) -> CPUs 4-5,12-13",
                "emulator thread 'call_rcu' (thread 4243) -> CPUs 4-5,12-13",
                "write '4-5,12-13' to /proc/irq/141/smp_affinity_list (nic 0000:b3:00.0)",
                "write '4-5,12-13' to /proc/irq/142/smp_affinity_list (nic 0000:b3:00.0)",
                "write '4-5,12-13' to /proc/irq/143/smp_affinity_list (nic 0000:b3:00.0)"),
                steps.stream().map(PinStep::describe).toList());
        assertEquals(List.of(), p.apply(steps));
        assertEquals(List.of("4250:6", "4251:14", "4242:4-5,12-13", "4243:4-5,12-13"), calls);
        assertEquals(Map.of("/proc/irq/141/smp_affinity_list", "4-5,12-13", "/proc/irq/142/smp_affinity_list", "4-5,12-13",
                "/proc/irq/143/smp_affinity_list", "4-5,12-13"), written);
    }

    @Test
    void aVcpuThatCannotBePinnedFailsAnEmulatorThreadGoneIsReported() {
        Pinner gone = pinner((tid, cpus) -> {
            if (tid == 4243) {
                throw new LastErrorException(com.sun.jna.platform.linux.ErrNo.ESRCH);
            }
        });
        List<PinStep> steps = gone.plan(PLAN, PID, new TreeMap<>(Map.of(0, 4250, 1, 4251)), Map.of());
        assertEquals(List.of("emulator thread 'call_rcu' (thread 4243) -> CPUs 4-5,12-13: " + Errno.describe(com.sun.jna.platform.linux.ErrNo.ESRCH)), gone.apply(steps));
        Pinner refused = pinner((tid, cpus) -> {
            throw new LastErrorException(Errno.EINVAL);
        });
        HostdevException e = assertThrows(HostdevException.class, () -> refused.apply(steps));
        assertEquals("cannot pin vcpu 0 (thread 4250) -> CPUs 6: " + Errno.describe(Errno.EINVAL), e.getMessage());
    }

    @Test
    void anIrqTheKernelWillNotMoveIsReported() {
        Pinner p = new Pinner(t.sysfs(), (tid, cpus) -> { }, (path, value) -> {
            throw new SysfsWriteException(path.toString(), value, Errno.EIO);
        });
        List<PinStep> steps = p.plan(PLAN, PID, new TreeMap<>(Map.of(0, 4250, 1, 4251)), Map.of("nic", PciAddress.parse(NumaHosts.NIC_NODE1)));
        assertEquals(3, p.apply(steps).size());
    }

    @Test
    void hugepagesAreReservedThroughSysfsAndCheckedAfterwards() throws Exception {
        NumaHosts.pool(t, 1, 2048, 1024, 1000);
        PlacementPlan plan = PlacementPlanner.plan(dev.hostdev.launcher.spec.Specs.parse("name = \"perf\"\nmemory = \"4G\"\n"
                + "[[hostdev]]\npci = \"" + NumaHosts.NIC_NODE1 + "\"\n[placement]\nhugepages = \"2M\"\nreserve_hugepages = true\n"),
                HostNumaFacts.of(t.sysfs())).orElseThrow();
        Path pool = t.sysPath("devices/system/node/node1/hugepages/hugepages-2048kB");
        // the kernel grants what it can: here all of them
        StartPlacement granting = new StartPlacement(t.sysfs((path, value) -> {
            long asked = Long.parseLong(value);
            try {
                Files.writeString(path, value + "\n");
                Files.writeString(pool.resolve("free_hugepages"), (1000 + asked - 1024) + "\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), (tid, cpus) -> { }, (path, value) -> { });
        java.io.StringWriter out = new java.io.StringWriter();
        granting.reserveHugepages(plan, new java.io.PrintWriter(out, true));
        assertEquals("2072\n", Files.readString(pool.resolve("nr_hugepages")));
        assertEquals("reserved 1048 2M hugepages on node 1 (now 2048 free)\n", out.toString());
        // a fragmented node: the kernel grants fewer
        NumaHosts.pool(t, 1, 2048, 1024, 1000);
        StartPlacement stingy = new StartPlacement(t.sysfs((path, value) -> {
            try {
                Files.writeString(path, "1100\n");
                Files.writeString(pool.resolve("free_hugepages"), "1076\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), (tid, cpus) -> { }, (path, value) -> { });
        HostdevException e = assertThrows(HostdevException.class, () -> stingy.reserveHugepages(plan, new java.io.PrintWriter(out, true)));
        assertEquals("reserved 2M hugepages on node 1 (nr_hugepages 2072), and 1076 are free: guest RAM needs 2048, 972 missing", e.getMessage());
    }
}
