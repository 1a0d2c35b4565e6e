package dev.hostdev.engine.numa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.testing.NumaHosts;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostTopologyReaderTest {
    @TempDir
    Path dir;

    @Test
    void readsNodesCpusAndPoolsOfATwoSocketHost() {
        SysfsTree t = NumaHosts.twoSocket(dir, 4);
        HostTopology h = new HostTopologyReader(t.sysfs()).read();
        assertEquals(List.of(0, 1), h.nodes().stream().map(NumaNode::id).toList());
        NumaNode n1 = h.node(1).orElseThrow();
        assertEquals(CpuList.parse("4-7,12-15"), n1.cpus());
        assertEquals(67108864L, n1.memTotalKib());
        assertEquals(60000000L, n1.memFreeKib());
        assertEquals(List.of(new HugepagePool(2048, 1024, 512), new HugepagePool(1048576, 8, 4)), n1.hugepages());
        assertEquals(16, h.cpus().size());
        HostCpu c5 = h.cpu(5).orElseThrow();
        assertEquals(new HostCpu(5, 1, 1, 1, CpuList.of(5, 13)), c5);
        assertEquals(CpuList.parse("2-3,6-7,10-11,14-15"), h.isolated());
        assertEquals(h.isolated(), h.nohzFull());
        assertEquals(List.of(), h.unreadable());
    }

    @Test
    void readsADevicesNodeAndLocalCpus() {
        SysfsTree t = NumaHosts.twoSocket(dir, 4);
        DeviceLocality d = new HostTopologyReader(t.sysfs()).device(PciAddress.parse(NumaHosts.NIC_NODE1));
        assertEquals(OptionalInt.of(1), d.node());
        assertEquals(CpuList.parse("4-7,12-15"), d.localCpus());
        assertTrue(d.problem().isEmpty());
    }

    @Test
    void aDeviceOnAHostWithoutNumaHasNoNode() {
        SysfsTree t = SysfsTree.create(dir);
        t.pci("0000:03:00.0").vendor(0x8086).device(0x10d3).add();
        DeviceLocality d = new HostTopologyReader(t.sysfs()).device(PciAddress.parse("0000:03:00.0"));
        assertEquals(OptionalInt.empty(), d.node());
        assertTrue(d.localCpus().isEmpty());
    }

    @Test
    void unreadableEntriesAreReportedAndTheRestKept() throws Exception {
        SysfsTree t = NumaHosts.twoSocket(dir, 2);
        t.file("/sys/devices/system/node/node1/cpulist", "2-x\n");
        t.file("/sys/devices/system/cpu/cpu3/topology/core_id", "three\n");
        t.file("/sys/devices/system/node/node0/meminfo", "garbage\n");
        Path nr = t.root().resolve("sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages");
        Files.delete(nr);
        Files.createDirectory(nr); // reading a directory fails with an I/O error, as an unreadable attribute does
        t.file("/sys/bus/pci/devices/" + NumaHosts.NIC_NODE0 + "/numa_node", "zero\n");
        HostTopologyReader reader = new HostTopologyReader(t.sysfs());
        HostTopology h = reader.read();
        String all = String.join("\n", h.unreadable());
        assertTrue(all.contains("/sys/devices/system/node/node1/cpulist: '2-x' is not a CPU list"), all);
        assertTrue(all.contains("/sys/devices/system/cpu/cpu3/topology/core_id: not a number: 'three'"), all);
        assertTrue(all.contains("/sys/devices/system/node/node0/meminfo: no 'Node 0 MemTotal/MemFree: N kB' lines"), all);
        assertTrue(all.contains("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages: unreadable"), all);
        assertEquals(4, h.unreadable().size(), all);
        // what could be read is kept: node 1 is there without CPUs, CPU 3 without its core, node 0's 1G pool
        assertTrue(h.node(1).orElseThrow().cpus().isEmpty());
        assertEquals(-1, h.cpu(3).orElseThrow().coreId());
        assertEquals(List.of(new HugepagePool(1048576, 8, 4)), h.node(0).orElseThrow().hugepages());
        DeviceLocality d = reader.device(PciAddress.parse(NumaHosts.NIC_NODE0));
        assertEquals("/sys/bus/pci/devices/0000:17:00.0/numa_node: not a number: 'zero'", d.problem().orElseThrow());
        assertEquals(CpuList.parse("0-1,4-5"), d.localCpus());
    }

    @Test
    void nohzFullReadingNullIsEmptyAndOfflineCpusAreLeftOut() {
        SysfsTree t = NumaHosts.twoSocket(dir, 2);
        t.file("/sys/devices/system/cpu/nohz_full", "(null)\n");
        t.file("/sys/devices/system/cpu/online", "0-6\n");
        HostTopology h = new HostTopologyReader(t.sysfs()).read();
        assertTrue(h.nohzFull().isEmpty());
        assertEquals(CpuList.parse("0-6"), h.onlineCpus());
    }
}
