package dev.hostdev.launcher.hotplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.cli.CliRun;
import dev.hostdev.launcher.cmdline.QemuCapabilities;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issues 10 and 12: a dry run makes every check the real run makes, so the two refuse alike (same exit status)
 * for attach, unplug, vm start and vm stop, on the cases that differed: an unmanaged device not on vfio-pci, an
 * unknown {@code --emulated} model (also with no free port), a model the spec refuses, a QEMU that has ended,
 * a device or VM that is not there. Each case runs the command with and without {@code --dry-run}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DryRunAgreesTest {
    private static final String ON_IAVF = "0000:19:02.0";

    @TempDir
    Path root;

    @BeforeEach
    void host() {
        SysfsTree tree = SysfsTree.create(root).pciDriver("vfio-pci").pciDriver("iavf");
        tree.pci("0000:00:1c.0").vendor(0x8086).device(0xa33c).rootPort().secondaryBus(0x19).driver("pcieport").iommuGroup(2).add();
        tree.pci(ON_IAVF).parent("0000:00:1c.0").vendor(0x8086).device(0x154c).klass(0x020000).pcie()
                .driver("iavf").iommuGroup(9).add();
    }

    private Path vms() {
        return root.resolve("run/hostdev/vms");
    }

    private CliRun hostdev(boolean dryRun, String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (dryRun) {
            all.add("--dry-run");
        }
        all.add("--root");
        all.add(root.toString());
        return CliRun.run(all.toArray(String[]::new));
    }

    /** Runs both and requires the same exit status; returns the real run. */
    private CliRun agree(int expected, String... args) {
        CliRun dry = hostdev(true, args);
        CliRun real = hostdev(false, args);
        assertEquals(real.exitCode(), dry.exitCode(), String.join(" ", args) + "\n dry run: " + dry.err() + "\n real run: " + real.err());
        assertEquals(expected, real.exitCode(), String.join(" ", args) + ": " + real.out() + real.err());
        assertEquals(real.err(), dry.err(), "the same refusal, word for word");
        return real;
    }

    private static FakeVm.Script silent() {
        return (cmd, q) -> q.error(cmd, "CommandNotFound", "the test expects no QMP command: " + cmd);
    }

    @Test
    void attachOfAnUnmanagedDeviceNotOnVfioIsRefusedByBoth() throws Exception {
        try (FakeVm vm = new FakeVm(vms(), VmState.RUNNING, List.of(), List.of(), silent())) {
            CliRun r = agree(11, "attach", "fake", "19:02.0");
            assertTrue(r.err().contains(ON_IAVF) && r.err().contains("not vfio-pci"), r.err());
            assertTrue(vm.commands.isEmpty(), "QEMU was asked nothing: " + vm.commands);
        }
    }

    @Test
    void attachOfAnUnknownModelIsAUsageErrorInBothEvenWithNoFreePort() throws Exception {
        List<VmDevice> full = List.of(new VmDevice("a", "e1000e", "pci.4", "0x0", "pci.4", null, false, true),
                new VmDevice("b", "e1000e", "pci.5", "0x0", "pci.5", null, false, true));
        try (FakeVm vm = new FakeVm(vms(), VmState.RUNNING, List.of(), List.of(), silent())) {
            CliRun r = agree(qemuPresent() ? 2 : 12, "attach", "fake", "--emulated", "nosuchmodel");
            assertTrue(r.err().contains("nosuchmodel"), r.err());
        }
        Files.delete(vms().resolve("fake/qmp.sock"));
        try (FakeVm vm = new FakeVm(vms(), VmState.RUNNING, full, List.of(), silent())) {
            CliRun r = agree(qemuPresent() ? 2 : 12, "attach", "fake", "--emulated", "bogus-dev");
            assertTrue(r.err().contains("bogus-dev") && !r.err().contains("no free root port"), "the model is the news: " + r.err());
        }
    }

    @Test
    void attachOfARootPortIsRefusedAsTheSpecRefusesIt() throws Exception {
        try (FakeVm vm = new FakeVm(vms(), VmState.RUNNING, List.of(), List.of(), silent())) {
            CliRun r = agree(2, "attach", "fake", "--emulated", "pcie-root-port");
            assertTrue(r.err().contains("'pcie-root-port' is not a device to hotplug") && r.err().contains("spare_root_ports"), r.err());
        }
    }

    @Test
    void unplugFromAVmWhoseQemuEndedAndOfAnUnknownDeviceAreRefusedByBoth() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        VmRuntimeDir dir = new VmRuntimeDir(vms(), "gone");
        dir.create();
        dir.write(new VmRecord("gone", "/tmp/gone.toml", List.of("qemu-system-x86_64"), VmState.RUNNING,
                ProcessIdentity.of(gone.toHandle()), null, "2026-01-01T00:00:00Z", 0, null, new SlotMap(List.of()),
                List.of(new VmDevice("n1", "e1000e", "pci.1", "0x0", "pci.1", null, false, true)), List.of(), null));
        CliRun ended = hostdev(true, "unplug", "gone", "n1");
        assertEquals(11, ended.exitCode(), ended.err());
        assertEquals(11, hostdev(false, "unplug", "gone", "n1").exitCode());
        try (FakeVm vm = new FakeVm(vms(), VmState.RUNNING, List.of(), List.of(), silent())) {
            agree(3, "unplug", "fake", "nosuchid");
        }
    }

    @Test
    void vmStartOfAnUnmanagedDeviceNotOnVfioIsRefusedByBothAndAnAbsentOptionalUsbIsNotCalledPresent() throws Exception {
        Path spec = root.resolve("vm.toml");
        Files.writeString(spec, "name = \"pf\"\nmemory = \"64M\"\naccel = \"tcg\"\n[[hostdev]]\npci = \"" + ON_IAVF + "\"\nmanaged = false\n");
        CliRun r = agree(11, "vm", "start", spec.toString());
        assertTrue(r.err().contains("not vfio-pci"), r.err());
        assertFalse(Files.exists(vms().resolve("pf")), "nothing was created");

        Files.writeString(spec, "name = \"pf\"\nmemory = \"64M\"\naccel = \"tcg\"\n[[hostdev]]\nusb = \"0781:9999\"\nstartup = \"optional\"\n");
        CliRun dry = hostdev(true, "vm", "start", spec.toString());
        if (qemuPresent()) {
            assertEquals(0, dry.exitCode(), dry.err());
            assertFalse(dry.out().contains("0781:9999 (hostdev0) is present"), dry.out());
            assertTrue(dry.out().contains("USB 0781:9999 (hostdev0) is absent: started without it (startup optional)"), dry.out());
        }
    }

    @Test
    void vmStopOfAnUnknownVmIsRefusedByBoth() {
        agree(3, "vm", "stop", "nosuchvm");
    }

    private static boolean qemuPresent() {
        return QemuCapabilities.resolve(Path.of("qemu-system-x86_64")).isPresent();
    }
}
