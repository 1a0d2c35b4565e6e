package dev.hostdev.engine.bind;

import static dev.hostdev.engine.bind.Bench.AUDIO;
import static dev.hostdev.engine.bind.Bench.GPU;
import static dev.hostdev.engine.bind.Bench.NIC;
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
import dev.hostdev.engine.sysfs.Errno;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.hostdev.engine.testing.TmpfsTempDir;
import org.junit.jupiter.api.io.TempDir;

class ReattachTest {
    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    Bench bench;

    @BeforeEach
    void setUp() {
        bench = new Bench(dir);
        bench.binder.detach(devices(GPU), vfio().withWholeGroup(true));
    }

    private List<String> writesFromNowOn(Runnable action) {
        int before = bench.kernel.writes().size();
        action.run();
        List<String> all = bench.kernelWrites();
        return all.subList(before, all.size());
    }

    @Test
    void clearsTheOverrideResetsUnbindsAndBindsTheRecordedDriver() {
        BindResult[] r = new BindResult[1];
        List<String> writes = writesFromNowOn(() -> r[0] = bench.binder.reattach(devices(GPU, AUDIO), ReattachOptions.defaults()));
        assertEquals(List.of(
                "write /sys/bus/pci/devices/0000:01:00.0/driver_override \n",
                "write /sys/bus/pci/devices/0000:01:00.0/reset 1",
                "write /sys/bus/pci/drivers/vfio-pci/unbind 0000:01:00.0",
                "write /sys/bus/pci/drivers/nouveau/bind 0000:01:00.0",
                "write /sys/bus/pci/devices/0000:01:00.1/driver_override \n",
                "write /sys/bus/pci/drivers/vfio-pci/unbind 0000:01:00.1",
                "write /sys/bus/pci/drivers/snd_hda_intel/bind 0000:01:00.1"), writes);
        assertEquals(List.of(Outcome.REATTACHED, Outcome.REATTACHED), r[0].devices().stream().map(DeviceOutcome::outcome).toList());
        assertEquals("nouveau", bench.driver(GPU));
        assertEquals("snd_hda_intel", bench.driver(AUDIO));
        assertNull(bench.override(GPU));
        assertEquals(1, bench.kernel.resets(GPU.toString()));
        assertFalse(bench.vfioNode(14));
        assertTrue(bench.records().all().isEmpty());
        assertEquals(List.of(), bench.journal().pending());
    }

    @Test
    void reattachingADeviceOnItsHostDriverWritesNothing() {
        bench.binder.reattach(devices(GPU, AUDIO), ReattachOptions.defaults());
        List<String> writes = writesFromNowOn(() -> {
            BindResult r = bench.binder.reattach(devices(GPU), ReattachOptions.defaults());
            assertEquals(Outcome.ALREADY_ATTACHED, r.devices().get(0).outcome());
        });
        assertEquals(List.of(), writes);
    }

    @Test
    void dryRunPrintsTheWritesAndWritesNothing() {
        List<String> writes = writesFromNowOn(() -> {
            BindResult r = bench.binder.reattach(devices(GPU), new ReattachOptions(true));
            assertEquals(List.of(
                    "write /sys/bus/pci/devices/0000:01:00.0/driver_override \\n",
                    "write /sys/bus/pci/devices/0000:01:00.0/reset 1",
                    "write /sys/bus/pci/drivers/vfio-pci/unbind 0000:01:00.0",
                    "write /sys/bus/pci/drivers/nouveau/bind 0000:01:00.0"),
                    r.writes().stream().map(SysfsWrite::describe).toList());
        });
        assertEquals(List.of(), writes);
        assertEquals("vfio-pci", bench.driver(GPU));
    }

    @Test
    void aDeviceThatDiesInItsResetIsLeftUnbound() {
        bench.kernel.resetKillsDevice(GPU.toString());
        BindResult r = bench.binder.reattach(devices(GPU), ReattachOptions.defaults());
        DeviceOutcome o = r.devices().get(0);
        assertEquals(Outcome.LEFT_UNBOUND, o.outcome());
        assertTrue(o.warnings().get(0).contains("config space reads 0xffff"), o.warnings().toString());
        assertNull(bench.driver(GPU), "not handed to nouveau");
        assertTrue(bench.kernelWrites().stream().noneMatch(w -> w.contains("nouveau/bind")));
    }

    @Test
    void aResetTheKernelRefusesIsReportedAndTheReattachGoesOn() {
        bench.kernel.resetFails(GPU.toString(), Errno.EIO);
        DeviceOutcome o = bench.binder.reattach(devices(GPU), ReattachOptions.defaults()).devices().get(0);
        assertEquals(Outcome.REATTACHED, o.outcome());
        assertTrue(o.warnings().get(0).contains("reset"), o.warnings().toString());
        assertEquals("nouveau", bench.driver(GPU));
    }

    @Test
    void aDeviceNoResetMethodWorksForIsGivenBackWithoutOneAndThatIsSaid() {
        // as the lab's e1000 behind a pcie-pci-bridge answers: writing reset gives ENOTTY
        bench.kernel.resetFails(GPU.toString(), Errno.ENOTTY);
        DeviceOutcome o = bench.binder.reattach(devices(GPU), ReattachOptions.defaults()).devices().get(0);
        assertEquals(Outcome.REATTACHED, o.outcome());
        assertEquals(GPU + ": the kernel could not reset it (ENOTTY: Inappropriate ioctl for device, no reset method works for it);"
                + " given back without a reset", o.warnings().get(0));
        assertEquals("nouveau", bench.driver(GPU));
    }

    @Test
    void aHostDriverThatRefusesTheDeviceLeavesItOnVfio() {
        bench.kernel.probeFails(GPU.toString(), "nouveau", Errno.EIO);
        HostdevException e = assertThrows(HostdevException.class,
                () -> bench.binder.reattach(devices(GPU), new ReattachOptions(false, java.time.Duration.ofMillis(100))));
        assertEquals(ErrorCode.KERNEL, e.code());
        assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
        assertEquals("vfio-pci", bench.driver(GPU));
        assertEquals("vfio-pci", bench.override(GPU));
        assertEquals("nouveau", bench.records().find(GPU).orElseThrow().originalDriver(), "kept for the next try");
    }

    @Test
    void withoutARecordOrADriverForItTheDeviceIsReleasedAndThatIsSaid() {
        bench.kernel.nativeDriver(UNBOUND.toString(), "none-loaded");
        bench.binder.detach(devices(NIC, UNBOUND), vfio());
        bench.records().delete(UNBOUND);
        DeviceOutcome o = bench.binder.reattach(devices(UNBOUND), new ReattachOptions(false, java.time.Duration.ofMillis(100)))
                .devices().get(0);
        assertEquals(Outcome.REATTACHED_NO_DRIVER, o.outcome());
        assertTrue(o.warnings().get(0).contains("no host driver claimed it"), o.warnings().toString());
    }

    @Test
    void aHostDriverThatProbesAsynchronouslyIsWaitedFor() {
        bench.binder.detach(devices(NIC), vfio());
        bench.records().delete(NIC);
        bench.kernel.asyncProbe("e1000", java.time.Duration.ofMillis(150));
        BindResult r = bench.binder.reattach(devices(NIC), ReattachOptions.defaults());
        assertEquals(Outcome.REATTACHED, r.devices().get(0).outcome(), r.devices().get(0).warnings().toString());
        assertEquals("e1000", bench.driver(NIC));
    }

    @Test
    void withoutARecordTheKernelPicksTheDriver() {
        bench.binder.detach(devices(NIC), vfio());
        bench.records().delete(NIC);
        BindResult r = bench.binder.reattach(devices(NIC), ReattachOptions.defaults());
        assertEquals(Outcome.REATTACHED, r.devices().get(0).outcome());
        assertTrue(bench.kernelWrites().contains("write /sys/bus/pci/drivers_probe 0000:04:01.0"));
        assertEquals("e1000", bench.driver(NIC));
    }

    @Test
    void aDeviceThatHadNoDriverGoesBackToNoneEvenIfADriverCouldClaimIt() {
        bench.kernel.nativeDriver(UNBOUND.toString(), "e1000");
        bench.binder.detach(devices(NIC, UNBOUND), vfio());
        DeviceOutcome o = bench.binder.reattach(devices(UNBOUND), ReattachOptions.defaults()).devices().get(0);
        assertEquals(Outcome.REATTACHED, o.outcome());
        assertEquals(List.of(), o.warnings());
        assertNull(bench.driver(UNBOUND));
        assertNull(bench.override(UNBOUND));
    }

    @Test
    void refusesWhileAQemuProcessOrLibvirtDomainHoldsTheDevice() {
        bench.tree.file("/proc/777/cmdline", String.join("\0", "qemu-system-x86_64", "-device",
                "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.0\",\"id\":\"hostdev0\"}") + "\0");
        HostdevException e = assertThrows(HostdevException.class,
                () -> bench.binder.reattach(devices(GPU), ReattachOptions.defaults()));
        assertEquals(ErrorCode.BUSY, e.code());
        assertTrue(e.getMessage().contains("QEMU pid 777"), e.getMessage());
        assertEquals("vfio-pci", bench.driver(GPU));
    }
}
