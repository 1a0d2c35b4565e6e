package dev.hostdev.engine.bind;

import static dev.hostdev.engine.bind.Bench.AUDIO;
import static dev.hostdev.engine.bind.Bench.BOOT_VGA;
import static dev.hostdev.engine.bind.Bench.GPU;
import static dev.hostdev.engine.bind.Bench.HOST_BRIDGE;
import static dev.hostdev.engine.bind.Bench.NIC;
import static dev.hostdev.engine.bind.Bench.PCIE_PCI_BRIDGE;
import static dev.hostdev.engine.bind.Bench.ROOT_PORT;
import static dev.hostdev.engine.bind.Bench.UNBOUND;
import static dev.hostdev.engine.bind.Bench.devices;
import static dev.hostdev.engine.bind.Bench.vfio;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.state.DeviceRecord;
import dev.hostdev.engine.sysfs.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.hostdev.engine.testing.TmpfsTempDir;
import org.junit.jupiter.api.io.TempDir;

class DetachTest {
    /** The writes that move the GPU and its audio function (group 14) to vfio-pci, in order. */
    static final List<String> GPU_GROUP_WRITES = List.of(
            "write /sys/bus/pci/devices/0000:01:00.0/driver_override vfio-pci",
            "write /sys/bus/pci/drivers/nouveau/unbind 0000:01:00.0",
            "write /sys/bus/pci/drivers_probe 0000:01:00.0",
            "write /sys/bus/pci/devices/0000:01:00.1/driver_override vfio-pci",
            "write /sys/bus/pci/drivers/snd_hda_intel/unbind 0000:01:00.1",
            "write /sys/bus/pci/drivers_probe 0000:01:00.1");

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    Bench bench;

    @BeforeEach
    void setUp() {
        bench = new Bench(dir);
    }

    private HostdevException refused(ErrorCode code, List<PciAddress> devices, DetachOptions options) {
        HostdevException e = assertThrows(HostdevException.class, () -> bench.binder.detach(devices, options));
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    @Test
    void gpuWithItsAudioFunctionStillOnTheHostIsNotViable() {
        HostdevException e = refused(ErrorCode.NOT_VIABLE, devices(GPU), vfio());
        assertTrue(e.getMessage().contains("0000:01:00.1 is still bound to snd_hda_intel"), e.getMessage());
        assertTrue(e.getMessage().contains("--group"), e.getMessage());
        assertEquals(List.of(), bench.kernel.writes(), "refused before any write");
        assertFalse(Files.exists(dir.resolve("run/hostdev/journal")) && bench.journal().pending().size() > 0);
    }

    @Test
    void groupDetachMovesGpuAndAudioInOrderAndVerifies() {
        BindResult r = bench.binder.detach(devices(GPU), vfio().withWholeGroup(true));
        assertEquals(GPU_GROUP_WRITES, bench.kernelWrites());
        assertEquals(bench.kernelWrites(), r.writes().stream().map(SysfsWrite::describe).toList());
        assertEquals(bench.kernelWrites(), bench.seen, "the observer saw each write before it was made");
        assertEquals(List.of(Outcome.DETACHED, Outcome.DETACHED), r.devices().stream().map(DeviceOutcome::outcome).toList());
        assertEquals("vfio-pci", bench.driver(GPU));
        assertEquals("vfio-pci", bench.driver(AUDIO));
        assertEquals("/dev/vfio/14", r.devices().get(0).vfioNode().orElseThrow());
        assertTrue(bench.vfioNode(14));
        DeviceRecord rec = bench.records().find(GPU).orElseThrow();
        assertEquals("nouveau", rec.originalDriver());
        assertEquals("vfio-pci", rec.driver());
        assertEquals("test", rec.detachedBy());
        assertEquals(ProcessHandle.current().pid(), rec.detachedByPid());
        assertEquals("snd_hda_intel", bench.records().find(AUDIO).orElseThrow().originalDriver());
        assertEquals(List.of(), bench.journal().pending(), "the journal is gone once the operation finished");
    }

    @Test
    void detachingAgainIsANoop() {
        bench.binder.detach(devices(GPU, AUDIO), vfio());
        int writes = bench.kernel.writes().size();
        BindResult again = bench.binder.detach(devices(GPU, AUDIO), vfio());
        assertEquals(writes, bench.kernel.writes().size(), "nothing written the second time");
        assertEquals(List.of(Outcome.ALREADY_DETACHED, Outcome.ALREADY_DETACHED),
                again.devices().stream().map(DeviceOutcome::outcome).toList());
        assertEquals("nouveau", bench.records().find(GPU).orElseThrow().originalDriver(), "the record keeps the original driver");
    }

    @Test
    void pciePciBridgeGroupSkipsTheBridgeAndTakesBoundAndUnboundEndpoints() {
        BindResult r = bench.binder.detach(devices(NIC), vfio().withWholeGroup(true));
        assertEquals(List.of(NIC, UNBOUND, PCIE_PCI_BRIDGE), r.devices().stream().map(DeviceOutcome::device).toList());
        assertEquals(List.of(Outcome.DETACHED, Outcome.DETACHED, Outcome.SKIPPED_BRIDGE),
                r.devices().stream().map(DeviceOutcome::outcome).toList());
        assertEquals("vfio-pci", bench.driver(UNBOUND));
        assertNull(bench.driver(PCIE_PCI_BRIDGE));
        assertNull(bench.records().find(UNBOUND).orElseThrow().originalDriver(), "it had no driver before");
        assertTrue(bench.kernelWrites().stream().noneMatch(w -> w.contains("03:00.0")), "the bridge is never written");
    }

    @Test
    void oneEndpointBehindAPciePciBridgeIsViableWhenItsSiblingHasNoDriver() {
        BindResult r = bench.binder.detach(devices(NIC), vfio());
        assertEquals(Outcome.DETACHED, r.devices().get(0).outcome());
        assertNull(bench.driver(UNBOUND), "the sibling without a driver is left alone");
        assertTrue(bench.vfioNode(5));
    }

    @Test
    void dryRunWritesNothingAndPrintsTheWrites() {
        BindResult r = bench.binder.detach(devices(GPU), vfio().withWholeGroup(true).withDryRun(true));
        assertTrue(r.dryRun());
        assertEquals(List.of(), bench.kernel.writes());
        assertFalse(Files.exists(dir.resolve("run")), "no journal, no lock, no record");
        assertEquals(List.of(Outcome.PLANNED, Outcome.PLANNED), r.devices().stream().map(DeviceOutcome::outcome).toList());
        assertEquals(GPU_GROUP_WRITES,
                r.writes().stream().map(SysfsWrite::describe).toList());
        bench.binder.detach(devices(GPU), vfio().withWholeGroup(true));
        assertEquals(r.writes().stream().map(SysfsWrite::describe).toList(), bench.kernelWrites(), "the dry run printed exactly what was done");
    }

    @Test
    void driversProbeThatBindsNothingIsCaughtAndRolledBack() {
        bench.kernel.probeFails(AUDIO.toString(), "vfio-pci", Errno.ENODEV);
        HostdevException e = refused(ErrorCode.KERNEL, devices(GPU), vfio().withWholeGroup(true));
        assertTrue(e.getMessage().contains("0000:01:00.1 should now be bound to vfio-pci but is bound to no driver"), e.getMessage());
        assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
        assertOriginal();
    }

    @Test
    void aBindRefusedHalfWayIsRolledBackForEveryDevice() {
        bench.kernel.failWhen(w -> w.attribute().equals("/sys/bus/pci/drivers_probe") && w.value().equals(AUDIO.toString()), Errno.EIO);
        HostdevException e = refused(ErrorCode.KERNEL, devices(GPU), vfio().withWholeGroup(true));
        assertTrue(e.getMessage().contains("Input/output error"), e.getMessage());
        assertOriginal();
    }

    @Test
    void aMissingVfioNodeTimesOutAndRollsBack() {
        bench.kernel.createVfioNodes(false);
        HostdevException e = refused(ErrorCode.TIMEOUT, devices(NIC), vfio());
        assertTrue(e.getMessage().contains("/dev/vfio/5 did not appear"), e.getMessage());
        assertEquals("e1000", bench.driver(NIC));
        assertNull(bench.override(NIC));
    }

    @Test
    void refusesWhenTheStubDriverIsNotLoaded() throws Exception {
        assertEquals(ErrorCode.USAGE, assertThrows(HostdevException.class, () -> vfio().withDriver("../etc")).code());
        // pci-stub is not a VFIO driver: QEMU's vfio-pci device cannot use a device parked there (issue 14.6).
        refused(ErrorCode.USAGE, devices(NIC), vfio().withDriver("pci-stub"));
        try (var walk = Files.walk(dir.resolve("sys/bus/pci/drivers/vfio-pci"))) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        HostdevException e = refused(ErrorCode.ENVIRONMENT, devices(NIC), vfio());
        assertTrue(e.hint().contains("modprobe vfio-pci"), e.hint());
        assertEquals(List.of(), bench.kernel.writes());
    }

    @Test
    void refusesAbsentDevicesBridgesAndEmptyLists() {
        assertTrue(refused(ErrorCode.NOT_FOUND, devices(PciAddress.parse("0a:00.0")), vfio()).getMessage().contains("0000:0a:00.0"));
        assertTrue(refused(ErrorCode.USAGE, devices(ROOT_PORT), vfio()).getMessage().contains("is a PCI bridge"));
        refused(ErrorCode.USAGE, List.of(), vfio());
        assertEquals(List.of(), bench.kernel.writes());
    }

    @Test
    void refusesTheBootVgaAndAHostBridgeUnlessForced() {
        assertTrue(refused(ErrorCode.HOST_IN_USE, devices(BOOT_VGA), vfio()).getMessage().contains("boot VGA"));
        HostdevException hb = refused(ErrorCode.HOST_IN_USE, devices(HOST_BRIDGE), vfio());
        assertTrue(hb.getMessage().contains("host bridge"), hb.getMessage());
        assertEquals(List.of(), bench.kernel.writes());
        bench.binder.detach(devices(BOOT_VGA), vfio().withForce(true));
        assertEquals("vfio-pci", bench.driver(BOOT_VGA));
    }

    @Test
    void refusesADeviceARunningQemuHolds() {
        bench.tree.file("/proc/4242/cmdline", String.join("\0", "/usr/bin/qemu-system-x86_64", "-name", "guest=web1",
                "-device", "vfio-pci,host=04:01.0,id=hostdev0") + "\0");
        HostdevException e = refused(ErrorCode.BUSY, devices(NIC), vfio());
        assertTrue(e.getMessage().contains("QEMU pid 4242 (qemu-system-x86_64, VM web1)"), e.getMessage());
    }

    @Test
    void refusesADeviceAnotherHostdevOperationHasLocked() {
        dev.hostdev.engine.state.DeviceLocks other = new dev.hostdev.engine.state.DeviceLocks(
                new dev.hostdev.engine.state.StateDirectory(bench.tree.hostRoot()), "hostdev vm start web2");
        try (var held = other.acquire(NIC)) {
            HostdevException e = refused(ErrorCode.BUSY, devices(NIC), vfio());
            assertTrue(e.getMessage().contains("pid " + ProcessHandle.current().pid() + " (hostdev vm start web2)"), e.getMessage());
        }
        assertEquals(List.of(), bench.kernel.writes());
        bench.binder.detach(devices(NIC), vfio());
        assertEquals("vfio-pci", bench.driver(NIC));
    }

    @Test
    void refusesAPhysicalFunctionWithVirtualFunctionsEnabled() {
        HostdevException e = refused(ErrorCode.STATE, devices(PciAddress.parse("02:00.0")), vfio());
        assertTrue(e.getMessage().contains("SR-IOV physical function with 2 virtual functions enabled"), e.getMessage());
        assertTrue(e.hint().contains("sriov_numvfs"), e.hint());
        assertEquals(List.of(), bench.kernel.writes());
        BindResult vf = bench.binder.detach(devices(PciAddress.parse("02:10.0")), vfio());
        assertEquals(Outcome.DETACHED, vf.devices().get(0).outcome());
        assertEquals("igbvf", bench.records().find(PciAddress.parse("02:10.0")).orElseThrow().originalDriver());
    }

    private void assertOriginal() {
        assertEquals("nouveau", bench.driver(GPU));
        assertEquals("snd_hda_intel", bench.driver(AUDIO));
        assertNull(bench.override(GPU));
        assertNull(bench.override(AUDIO));
        assertFalse(bench.vfioNode(14));
        assertTrue(bench.records().find(GPU).isEmpty());
        assertTrue(bench.records().find(AUDIO).isEmpty());
        assertEquals(List.of(), bench.journal().pending());
    }
}
