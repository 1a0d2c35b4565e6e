package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.vm.EndedProcess;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One claim registry for every command (issue 11.1): a device a running Hostdev VM holds, given at start or
 * hotplugged (which no QEMU command line shows), is refused by reattach, detach, attach and vm start, each
 * naming the VM and the fix, before anything is written. The VM's "QEMU" is this test JVM (alive); the host is a
 * temporary tree with a simulated kernel.
 */
class ClaimRegistryTest {
    private static final String HOTPLUGGED = "0000:03:00.0";
    private static final String AT_START = "0000:04:00.0";

    @TempDir
    Path root;
    SysfsTree tree;
    private Function<HostRoot, AttributeWriter> saved;

    @BeforeEach
    void host() throws Exception {
        tree = SysfsTree.create(root).pciDriver("vfio-pci").pciDriver("i40e");
        tree.pci("0000:00:1c.0").vendor(0x8086).device(0xa33c).rootPort().secondaryBus(3).driver("pcieport").iommuGroup(2).add();
        tree.pci(HOTPLUGGED).parent("0000:00:1c.0").vendor(0x8086).device(0x1521).klass(0x020000).pcie()
                .driver("vfio-pci").iommuGroup(9).add();
        tree.pci(AT_START).parent("0000:00:1c.0").vendor(0x8086).device(0x1521).klass(0x020000).pcie()
                .driver("vfio-pci").iommuGroup(10).add();
        SimulatedKernel kernel = new SimulatedKernel(root);
        saved = DetachCommandSupport.kernel;
        DetachCommandSupport.kernel = r -> {
            assertEquals(root.toAbsolutePath().normalize(), r.path(), "every write goes to the test's tree");
            return kernel;
        };
        record("holder", ProcessIdentity.of(ProcessHandle.current()), List.of(
                new VmDevice("gpu0", "vfio-pci", "pci.1", "0x0", "pci.1", AT_START, false, false),
                new VmDevice("hp1", "vfio-pci", "pci.2", "0x0", "pci.2", HOTPLUGGED, true, true)));
    }

    @AfterEach
    void restore() {
        DetachCommandSupport.kernel = saved;
    }

    private void record(String name, ProcessIdentity qemu, List<VmDevice> devices) {
        VmRuntimeDir dir = new VmRuntimeDir(root.resolve("run/hostdev/vms"), name);
        dir.create();
        SlotMap slots = new SlotMap(List.of(
                new Slot(SlotKind.ROOT_PORT, "pci.1", "0x0", "pci.1", "device", null, devices.isEmpty() ? null : "gpu0"),
                new Slot(SlotKind.ROOT_PORT, "pci.2", "0x0", "pci.2", "spare", null, devices.isEmpty() ? null : "hp1"),
                new Slot(SlotKind.ROOT_PORT, "pci.3", "0x0", "pci.3", "spare", null, null)));
        dir.write(new VmRecord(name, "/tmp/" + name + ".toml", List.of("qemu-system-x86_64"), VmState.RUNNING, qemu, null,
                "2026-01-01T00:00:00Z", 2, null, slots, devices, List.of(HOTPLUGGED), null));
    }

    private CliRun hostdev(String... args) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 2);
        all[args.length] = "--root";
        all[args.length + 1] = root.toString();
        return CliRun.run(all);
    }

    private String driverOf(String address) throws Exception {
        return Files.readSymbolicLink(root.resolve("sys/bus/pci/devices/" + address + "/driver")).getFileName().toString();
    }

    @Test
    void reattachOfAHotpluggedDeviceIsRefusedNamingTheVmAndUnplug() throws Exception {
        Path override = root.resolve("sys/bus/pci/devices/" + HOTPLUGGED + "/driver_override");
        String before = Files.readString(override);
        for (boolean dry : new boolean[] {true, false}) {
            CliRun r = dry ? hostdev("reattach", "--dry-run", HOTPLUGGED) : hostdev("reattach", HOTPLUGGED);
            assertEquals(6, r.exitCode(), r.out() + r.err());
            assertTrue(r.err().contains(HOTPLUGGED + " is in use by VM holder (Hostdev, QEMU pid " + ProcessHandle.current().pid()
                    + ") as device hp1, hotplugged"), r.err());
            assertTrue(r.err().contains("hostdev unplug holder hp1"), r.err());
        }
        assertEquals("vfio-pci", driverOf(HOTPLUGGED), "nothing was written");
        assertEquals(before, Files.readString(override), "driver_override untouched");
    }

    @Test
    void reattachOfADeviceGivenAtStartIsRefusedNamingVmStop() {
        CliRun r = hostdev("reattach", AT_START);
        assertEquals(6, r.exitCode(), r.err());
        assertTrue(r.err().contains("VM holder") && r.err().contains("hostdev vm stop holder"), r.err());
    }

    @Test
    void attachToAnotherVmIsRefusedInTheDryRunAndTheRealRunAlike() {
        record("other", ProcessIdentity.of(ProcessHandle.current()), List.of());
        for (String[] args : List.of(new String[] {"attach", "other", HOTPLUGGED, "--dry-run"}, new String[] {"attach", "other", HOTPLUGGED})) {
            CliRun r = hostdev(args);
            assertEquals(6, r.exitCode(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.err().contains("VM holder") && r.err().contains("hostdev unplug holder hp1"), r.err());
        }
    }

    @Test
    void vmStartOfASecondVmWithAHeldDeviceIsRefusedBeforeAnythingIsDone() throws Exception {
        Path spec = root.resolve("second.toml");
        Files.writeString(spec, "name = \"second\"\nmemory = \"64M\"\naccel = \"tcg\"\n[[hostdev]]\npci = \"" + HOTPLUGGED
                + "\"\nmanaged = false\n");
        for (boolean dry : new boolean[] {true, false}) {
            CliRun r = dry ? hostdev("vm", "start", spec.toString(), "--dry-run") : hostdev("vm", "start", spec.toString());
            assertEquals(6, r.exitCode(), r.out() + r.err());
            assertTrue(r.err().contains("cannot start VM second") && r.err().contains("VM holder"), r.err());
        }
        assertFalse(Files.exists(root.resolve("run/hostdev/vms/second")), "nothing was created for the refused VM");
    }

    @Test
    void aVmWhoseQemuHasEndedHoldsNothing() throws Exception {
        record("holder", EndedProcess.identity(), List.of(
                new VmDevice("hp1", "vfio-pci", "pci.2", "0x0", "pci.2", HOTPLUGGED, true, true)));
        CliRun r = hostdev("reattach", "--dry-run", HOTPLUGGED);
        assertEquals(0, r.exitCode(), r.err());
    }
}
