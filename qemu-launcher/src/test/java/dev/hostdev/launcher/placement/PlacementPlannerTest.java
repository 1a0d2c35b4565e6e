package dev.hostdev.launcher.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.numa.CpuList;
import dev.hostdev.engine.testing.NumaHosts;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.spec.Specs;
import dev.hostdev.launcher.spec.VmSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Placement on a generated two-socket host of 4 cores x 2 threads per socket: node 0 has CPUs 0-3,8-11,
 * node 1 4-7,12-15; CPU N and N+8 are siblings; the upper half of each node's cores (2-3,10-11 and
 * 6-7,14-15) is isolated and nohz_full.
 */
class PlacementPlannerTest {
    @TempDir
    Path dir;

    private PlacementPlan plan(SysfsTree t, String spec) {
        return PlacementPlanner.plan(spec(spec), HostNumaFacts.of(t.sysfs())).orElseThrow();
    }

    private static VmSpec spec(String body) {
        return Specs.parse("name = \"perf\"\nmemory = \"4G\"\n" + body);
    }

    private static final String NIC1 = "[[hostdev]]\nid = \"nic\"\npci = \"" + NumaHosts.NIC_NODE1 + "\"\n";

    @Test
    void autoPutsVcpusOnTheIsolatedCoresOfTheDevicesNodeSiblingsTogether() {
        SysfsTree t = NumaHosts.twoSocket(dir, 4);
        PlacementPlan p = plan(t, "cpus = 4\n" + NIC1 + "[placement]\nnuma = \"device\"\nvcpu_pin = \"auto\"\n");
        assertEquals(OptionalInt.of(1), p.hostNode());
        // the isolated cores of node 1 are (6,14) and (7,15): vCPU pairs on sibling pairs
        assertEquals(List.of(6, 14, 7, 15), p.vcpuCpus());
        // everything else QEMU runs and the interrupts: node 1's ordinary CPUs
        assertEquals(CpuList.parse("4-5,12-13"), p.emulatorCpus());
        assertEquals(p.emulatorCpus(), p.irqCpus());
        assertEquals(1, p.guestNodes().size());
        assertEquals(OptionalInt.of(1), p.guestNodes().get(0).hostNode());
        assertEquals(java.util.Map.of("nic", 0), p.deviceNodes());
        assertEquals(List.of(), p.problems());
    }

    @Test
    void moreVcpusThanIsolatedCoresSpillOntoOrdinaryCoresButKeepAHousekeepingCore() {
        SysfsTree t = NumaHosts.twoSocket(dir, 4);
        PlacementPlan p = plan(t, "cpus = 6\n" + NIC1 + "[placement]\nvcpu_pin = \"auto\"\n");
        assertEquals(List.of(6, 14, 7, 15, 5, 13), p.vcpuCpus());
        assertEquals(CpuList.parse("4,12"), p.emulatorCpus());
        assertTrue(p.notes().contains("numa: node 1, the node of the VM's devices"), p.notes().toString());
    }

    @Test
    void tooFewCoresFailsWithTheNumbers() {
        SysfsTree t = NumaHosts.twoSocket(dir, 4);
        HostdevException e = assertThrows(HostdevException.class,
                () -> plan(t, "cpus = 8\n" + NIC1 + "[placement]\nnuma = \"device\"\nvcpu_pin = \"auto\"\n"));
        assertEquals(ErrorCode.ENVIRONMENT, e.code());
        assertEquals("node 1 has 8 online CPUs (4-7,12-15) in 4 cores usable here, 2 of them isolated or nohz_full; 8 vCPUs need "
                + "4 cores of 2 threads and QEMU's other threads one more: 5 cores", e.getMessage());
        assertEquals("lower cpus to 6, or give vcpu_pin and emulator_pin by hand in [placement]", e.hint());
    }

    @Test
    void devicesOnDifferentNodesAreAnErrorNamingThem() {
        SysfsTree t = NumaHosts.twoSocket(dir, 4);
        HostdevException e = assertThrows(HostdevException.class, () -> plan(t, "cpus = 2\n"
                + "[[hostdev]]\nid = \"a\"\npci = \"" + NumaHosts.NIC_NODE0 + "\"\n"
                + "[[hostdev]]\nid = \"b\"\npci = \"" + NumaHosts.NIC_NODE1 + "\"\n"
                + "[[hostdev]]\nid = \"c\"\npci = \"" + NumaHosts.NVME_NODE1 + "\"\n"
                + "[placement]\nnuma = \"device\"\n"));
        assertEquals(ErrorCode.USAGE, e.code());
        assertTrue(e.getMessage().endsWith("numa = \"device\", and the devices sit on different nodes: a (0000:17:00.0) is on node 0, "
                + "b (0000:b3:00.0) and c (0000:b4:00.0) are on node 1"), e.getMessage());
    }

    @Test
    void hugepagesAreCountedOnTheNodeAndTheMissingOnesNamed() {
        SysfsTree t = NumaHosts.twoSocket(dir, 4);
        NumaHosts.pool(t, 1, 2048, 1024, 1000);
        PlacementPlan p = plan(t, "cpus = 2\n" + NIC1 + "[placement]\nhugepages = \"2M\"\n");
        HugepageNeed h = p.hugepages().orElseThrow();
        assertEquals(2048, h.needed());
        assertEquals(1048, h.missing());
        assertEquals(List.of("node 1 has 1000 free 2M hugepages (1024 reserved); guest RAM (4G) needs 2048: 1048 missing; reserve them "
                + "with 'echo 2072 > /sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages' or reserve_hugepages = true"),
                p.problems());
        PlacementPlan reserving = plan(t, "cpus = 2\n" + NIC1 + "[placement]\nhugepages = \"2M\"\nreserve_hugepages = true\n");
        assertEquals(List.of(), reserving.problems());
        assertEquals(2072, reserving.hugepages().orElseThrow().reservedAfter());
        assertEquals("devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages",
                reserving.hugepages().orElseThrow().nrHugepagesAttribute());
    }

    @Test
    void explicitPinsAreTakenAsGivenAndAnOfflineCpuRefused() {
        SysfsTree t = NumaHosts.twoSocket(dir, 4);
        PlacementPlan p = plan(t, "cpus = 2\n[placement]\nvcpu_pin = \"6,14\"\nemulator_pin = \"4\"\n");
        assertEquals(OptionalInt.of(1), p.hostNode(), "the node holding vcpu_pin's CPUs");
        assertEquals(List.of(6, 14), p.vcpuCpus());
        assertEquals(CpuList.of(4), p.emulatorCpus());
        HostdevException e = assertThrows(HostdevException.class, () -> plan(t, "cpus = 2\n[placement]\nvcpu_pin = \"6,40\"\n"));
        assertTrue(e.getMessage().endsWith("vcpu_pin names CPUs 40, which this host does not have online (online: 0-15)"), e.getMessage());
    }

    @Test
    void guestNodesWithoutAHostAreSplitEvenlyAndNeedNoHostRead() {
        VmSpec s = Specs.parse("name = \"lab\"\nmemory = \"2G\"\ncpus = 4\n[[device]]\nmodel = \"e1000e\"\nid = \"net1\"\n"
                + "[placement]\nguest_nodes = 2\ndevice_nodes = { net1 = 1 }\n");
        PlacementPlan p = PlacementPlanner.plan(s, HostNumaFacts.unavailable()).orElseThrow();
        assertEquals(OptionalInt.empty(), p.hostNode());
        assertEquals(2, p.guestNodes().size());
        assertEquals(CpuList.parse("2-3"), p.guestNodes().get(1).vcpus());
        assertEquals(1L << 30, p.guestNodes().get(1).memory().bytes());
        assertEquals(java.util.Map.of("net1", 1), p.deviceNodes());
        assertTrue(p.vcpuCpus().isEmpty());
    }
}
