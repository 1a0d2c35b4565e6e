package dev.hostdev.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.bind.BindObserver;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.vm.StartOptions;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmStarter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A start that fails after a managed device was detached gives it back: the device is detached by the
 * engine on a simulated kernel (a sysfs tree in a temp dir, never the real /sys), then the real QEMU
 * refuses the vfio-pci device (it has no such host device: QEMU only reads), and the start is undone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ManagedStartIntegrationTest {
    /** A bus no machine here has, so QEMU's own lookup fails for sure. */
    private static final String NIC = "0000:7e:00.0";

    @TempDir
    Path root;

    @Test
    void aManagedDeviceIsGivenBackWhenQemuRefusesToStart() throws Exception {
        assumeTrue(RealQemu.binary().isPresent(), RealQemu.SKIP);
        SysfsTree tree = SysfsTree.create(root).pciDriver("vfio-pci").pciDriver("e1000e");
        tree.pci("0000:00:1c.0").vendor(0x8086).device(0xa33c).rootPort().secondaryBus(0x7e).driver("pcieport").iommuGroup(2).add();
        tree.pci(NIC).parent("0000:00:1c.0").vendor(0x8086).device(0x10d3).klass(0x020000).pcie().driver("e1000e")
                .iommuGroup(7).resetMethods("flr").add();
        SimulatedKernel kernel = new SimulatedKernel(root);
        DeviceBinder binder = new DeviceBinder(tree.sysfs(kernel), BindObserver.SILENT, "vm managed");

        Path specFile = root.resolve("managed.toml");
        Files.writeString(specFile, """
                name = "managed"
                memory = "64M"
                accel = "tcg"
                [[hostdev]]
                pci = "7e:00.0"
                expect = "8086:10d3"
                """);
        LaunchPlan plan = LaunchPlanner.plan(VmSpecLoader.load(specFile), new SysfsPciFacts(tree.sysfs()),
                new LaunchOptions(root.resolve("run/hostdev/vms"), false, Set.of(), true));
        assertEquals(1, plan.managed().size(), "managed is the default for PCI hostdevs");
        VmRuntimeDir dir = new VmRuntimeDir("managed", plan.paths());
        StringWriter out = new StringWriter();
        VmStarter starter = new VmStarter(dir, ManagedDevices.engine(binder),
                new StartOptions(false, Duration.ofSeconds(20), new PrintWriter(out, true), null, null));

        HostdevException e;
        dir.create(); // the lock lives in the VM's directory, which only a start creates
        try (VmRuntimeDir.Lock lock = dir.lock("start", Duration.ofSeconds(5))) {
            e = assertThrows(HostdevException.class, () -> starter.start(plan, specFile));
        }
        assertEquals(ErrorCode.QEMU, e.code());
        assertTrue(e.getMessage().contains("QEMU exited before QMP answering") && e.getMessage().contains(NIC), e.getMessage());
        assertTrue(out.toString().contains("detached " + NIC + " to vfio-pci"), out.toString());
        assertTrue(out.toString().contains("gave " + NIC + " back after the failed start"), out.toString());
        assertEquals("e1000e", kernel.currentDriver(NIC).orElse(null), "the device is back on its host driver");
        // every device given back: the refused start of a new VM leaves no record to list (none with a device to retry)
        assertTrue(dir.read().isEmpty(), "no record of a refused start");
        assertFalse(Files.exists(dir.qmpSocket()));
    }
}
