package dev.hostdev.launcher.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.testing.NumaHosts;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.spec.Specs;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QEMU arguments a [placement] adds: guest nodes' memory backends, -numa, the pxb-pcie and its root ports. */
class PlacementCommandLineTest {
    static final LaunchOptions OPTIONS = new LaunchOptions(Path.of("/run/hostdev/vms"), false, Set.of(), false);

    @TempDir
    Path dir;

    private static String joined(List<String> argv, String from, String to) {
        int a = argv.indexOf(from);
        int b = argv.indexOf(to);
        return String.join("\n", argv.subList(a, b)) + "\n";
    }

    @Test
    void hugepagesOnTheDevicesNodeAndThePxbOfItsGuestNode() {
        SysfsTree t = NumaHosts.twoSocket(dir, 4);
        LaunchPlan p = LaunchPlanner.plan(Specs.parse("name = \"perf\"\naccel = \"tcg\"\nmemory = \"2G\"\ncpus = 4\n"
                        + "[[hostdev]]\nid = \"nic\"\npci = \"" + NumaHosts.NIC_NODE1 + "\"\n[[device]]\nmodel = \"e1000e\"\nid = \"mgmt\"\n"
                        + "[placement]\nnuma = \"device\"\nvcpu_pin = \"auto\"\nhugepages = \"2M\"\n"),
                new SysfsPciFacts(t.sysfs()), OPTIONS, HostNumaFacts.of(t.sysfs()));
        List<String> argv = p.argv();
        assertEquals("""
                -smp
                4
                -object
                memory-backend-memfd,id=ram-node0,size=2048M,hugetlb=on,hugetlbsize=2048K,prealloc=on,prealloc-threads=4,host-nodes=1,policy=bind
                -numa
                node,nodeid=0,cpus=0-3,memdev=ram-node0
                """, joined(argv, "-smp", "-nodefaults"));
        String devices = String.join("\n", argv.subList(argv.indexOf("-device"), argv.size())) + "\n";
        assertEquals("""
                -device
                pcie-root-port,port=0x8,chassis=1,id=pci.1,bus=pcie.0,addr=0x1
                -device
                pxb-pcie,bus_nr=128,numa_node=0,id=numa0,bus=pcie.0,addr=0x1e
                -device
                pcie-root-port,port=0xc8,chassis=200,id=numa0.rp0,bus=numa0,addr=0x0
                -device
                vfio-pci,host=0000:b3:00.0,id=nic,bus=numa0.rp0,addr=0x0
                -device
                e1000e,id=mgmt,bus=pci.1,addr=0x0
                """, devices);
        String json = p.toJson().get("placement").toString();
        assertTrue(json.startsWith("{\"host_node\":1,\"vcpus\":[{\"vcpu\":0,\"host_cpu\":6},{\"vcpu\":1,\"host_cpu\":14},"
                + "{\"vcpu\":2,\"host_cpu\":7},{\"vcpu\":3,\"host_cpu\":15}],\"emulator_cpus\":\"4-5,12-13\",\"irq_cpus\":\"4-5,12-13\","
                + "\"hugepages\":{\"size\":\"2M\",\"needed\":1024,\"free\":512,\"total\":1024,\"missing\":512,\"reserve\":false}"), json);
        assertTrue(json.endsWith("\"expanders\":[{\"id\":\"numa0\",\"guest_node\":0,\"addr\":\"0x1e\",\"bus_nr\":128,"
                + "\"root_ports\":[{\"id\":\"numa0.rp0\",\"device\":\"nic\",\"chassis\":200}]}]}"), json);
    }

    @Test
    void twoGuestNodesWithAnEmulatedDeviceOnEach() {
        LaunchPlan p = LaunchPlanner.plan(Specs.parse("name = \"lab\"\naccel = \"tcg\"\nmemory = \"1G\"\ncpus = 4\n"
                        + "[[device]]\nmodel = \"e1000e\"\nid = \"n0\"\n[[device]]\nmodel = \"e1000e\"\nid = \"n1\"\n"
                        + "[placement]\nguest_nodes = 2\ndevice_nodes = { n0 = 0, n1 = 1 }\n"),
                dev.hostdev.launcher.topology.FakePciFacts.none(), OPTIONS);
        List<String> argv = p.argv();
        assertEquals("""
                -smp
                4
                -object
                memory-backend-ram,id=ram-node0,size=512M
                -numa
                node,nodeid=0,cpus=0-1,memdev=ram-node0
                -object
                memory-backend-ram,id=ram-node1,size=512M
                -numa
                node,nodeid=1,cpus=2-3,memdev=ram-node1
                """, joined(argv, "-smp", "-nodefaults"));
        String devices = String.join("\n", argv.subList(argv.indexOf("-device"), argv.size())) + "\n";
        assertEquals("""
                -device
                pxb-pcie,bus_nr=128,numa_node=0,id=numa0,bus=pcie.0,addr=0x1e
                -device
                pcie-root-port,port=0xc8,chassis=200,id=numa0.rp0,bus=numa0,addr=0x0
                -device
                pxb-pcie,bus_nr=144,numa_node=1,id=numa1,bus=pcie.0,addr=0x1d
                -device
                pcie-root-port,port=0xc9,chassis=201,id=numa1.rp0,bus=numa1,addr=0x0
                -device
                e1000e,id=n0,bus=numa0.rp0,addr=0x0
                -device
                e1000e,id=n1,bus=numa1.rp0,addr=0x0
                """, devices);
    }
}
