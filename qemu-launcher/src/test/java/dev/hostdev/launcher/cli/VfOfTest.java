package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.pci.PciSelectorResolver;
import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.vm.EndedProcess;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VfAssignment;
import dev.hostdev.launcher.vm.VfLocks;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRegistry;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code [[hostdev]] vf_of} (issue 14.5) and {@code driver} (14.6) on a generated tree: an SR-IOV NVMe PF with 4 VFs
 * possible and 3 enabled (VFs .1 and .2 unbound, .3 on vfio-pci), a ConnectX VF whose modules.alias names a variant
 * driver. A running Hostdev VM's "QEMU" is this test JVM.
 */
class VfOfTest {
    static final String PF = "0000:03:00.0";
    static final String MLX = "0000:05:00.1";

    @TempDir
    Path root;
    SysfsTree tree;
    SimulatedKernel kernel;
    private Function<HostRoot, AttributeWriter> saved;

    @BeforeEach
    void host() {
        tree = SysfsTree.create(root).pciDriver("vfio-pci").pciDriver("nvme").pciDriver("mlx5_core").pciDriver("mlx5_vfio_pci");
        tree.pci(PF).vendor(0x1b36).device(0x0010).klass(0x010802).pcie().driver("nvme").iommuGroup(5).sriov(4, 3).nvmeSerial("PF-SERIAL").add();
        tree.pci("0000:03:00.1").vendor(0x1b36).device(0x0010).klass(0x010802).pcie().iommuGroup(6).virtfnOf(PF, 0).add();
        tree.pci("0000:03:00.2").vendor(0x1b36).device(0x0010).klass(0x010802).pcie().iommuGroup(7).virtfnOf(PF, 1).add();
        tree.pci("0000:03:00.3").vendor(0x1b36).device(0x0010).klass(0x010802).pcie().driver("vfio-pci").iommuGroup(8).virtfnOf(PF, 2).add();
        tree.pci(MLX).vendor(0x15b3).device(0x101e).klass(0x020000).pcie().driver("mlx5_core").iommuGroup(20).add();
        tree.file("/proc/sys/kernel/osrelease", "6.8.0-test\n");
        tree.file("/lib/modules/6.8.0-test/modules.alias", "alias vfio_pci:v000015B3d0000101Esv*sd*bc*sc*i* mlx5_vfio_pci\n");
        kernel = new SimulatedKernel(root).vfioDriver("mlx5_vfio_pci");
        saved = DetachCommandSupport.kernel;
        DetachCommandSupport.kernel = r -> {
            assertEquals(root.toAbsolutePath().normalize(), r.path(), "every write goes to the test's tree");
            return kernel;
        };
    }

    @AfterEach
    void restore() {
        DetachCommandSupport.kernel = saved;
    }

    private CliRun hostdev(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--root");
        all.add(root.toString());
        return CliRun.run(all.toArray(String[]::new));
    }

    private Path spec(String name, String hostdevs) throws Exception {
        Path f = root.resolve(name + ".toml");
        Files.writeString(f, "name = \"" + name + "\"\nmemory = \"64M\"\naccel = \"tcg\"\n" + hostdevs);
        return f;
    }

    /** A VM record as vm start writes it once QEMU runs (qemu: this JVM, or a process that has ended). */
    private void running(String name, ProcessIdentity qemu, List<String> vfioHosts, List<String> managed) {
        VmRuntimeDir dir = new VmRuntimeDir(root.resolve("run/hostdev/vms"), name);
        dir.create();
        List<VmDevice> devices = new ArrayList<>();
        for (int i = 0; i < vfioHosts.size(); i++) {
            devices.add(new VmDevice("hostdev" + i, "vfio-pci", "pci." + (i + 1), "0x0", "pci." + (i + 1), vfioHosts.get(i), true, false));
        }
        dir.write(new VmRecord(name, "/tmp/" + name + ".toml", List.of("qemu-system-x86_64"), VmState.RUNNING, qemu, null,
                "2026-01-01T00:00:00Z", 0, null, new SlotMap(List.of()), devices, managed, null));
    }

    private static ProcessIdentity alive() {
        return ProcessIdentity.of(ProcessHandle.current());
    }

    @Test
    void theFirstFreeVfIsChosenAndShownByCmdlineAndTheDryRun() throws Exception {
        Path s = spec("a", "[[hostdev]]\nvf_of = \"" + PF + "\"\n");
        CliRun cmdline = hostdev("vm", "cmdline", s.toString());
        assertEquals(0, cmdline.exitCode(), cmdline.err());
        assertTrue(cmdline.out().contains("-device vfio-pci,host=0000:03:00.1,id=hostdev0"), cmdline.out());
        assertTrue(cmdline.out().contains("vm start would choose hostdev0: vf_of " + PF + " -> virtfn0 0000:03:00.1 of " + PF
                + " (driver (none); 3 VFs enabled)"), cmdline.out());
        CliRun dry = hostdev("vm", "start", "--dry-run", s.toString());
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().contains("chose hostdev0: vf_of " + PF + " -> virtfn0 0000:03:00.1"), dry.out());
        assertTrue(dry.out().contains("host=0000:03:00.1"), dry.out());
        assertTrue(dry.out().contains("write /sys/bus/pci/devices/0000:03:00.1/driver_override vfio-pci"), dry.out());
        assertEquals(List.of(), kernel.writes(), "dry runs write nothing");
    }

    @Test
    void vfsHeldByARunningVmOrNotGivenBackAreSkipped() throws Exception {
        running("holder", alive(), List.of("0000:03:00.1"), List.of("0000:03:00.1"));
        running("crashed", EndedProcess.identity(), List.of("0000:03:00.2"), List.of("0000:03:00.2"));
        CliRun r = hostdev("vm", "cmdline", spec("b", "[[hostdev]]\nvf_of = \"" + PF + "\"\n").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("host=0000:03:00.3"), r.out());
        assertTrue(r.out().contains("skipped virtfn0 0000:03:00.1: used by VM holder (Hostdev, QEMU pid " + ProcessHandle.current().pid()
                + ") as device hostdev0; virtfn1 0000:03:00.2: held by VM crashed (Hostdev), which has not given it back yet"), r.out());
    }

    @Test
    void sriovShowsAVfThatADeadVmHasNotGivenBackAsHeldLikeTheChoiceDoes() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        running("crashed", ProcessIdentity.of(gone.toHandle()), List.of("0000:03:00.2"), List.of("0000:03:00.2"));
        CliRun text = hostdev("sriov", PF);
        assertEquals(0, text.exitCode(), text.err());
        assertTrue(text.out().contains("virtfn1 0000:03:00.2  driver (none)  iommu group 7  used by VM crashed (Hostdev), which has not given"
                + " it back yet ('hostdev vm stop crashed' does)"), text.out());
        assertTrue(text.out().contains("virtfn0 0000:03:00.1  driver (none)  iommu group 6  free"), text.out());
        CliRun json = hostdev("sriov", PF, "--json");
        assertEquals(0, json.exitCode(), json.err());
        assertTrue(json.out().contains("\"address\":\"0000:03:00.2\",\"driver\":null,\"iommu_group\":7,\"used_by\":\"VM crashed (Hostdev)"),
                json.out());
    }

    @Test
    void twoHostdevsOfOneSpecGetTwoVfsAndAVfNamedByPciIsNotChosenAgain() throws Exception {
        Path s = spec("c", "[[hostdev]]\npci = \"0000:03:00.1\"\n[[hostdev]]\nvf_of = \"" + PF + "\"\n[[hostdev]]\nvf_of = \"" + PF + "\"\n");
        CliRun r = hostdev("vm", "cmdline", s.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("host=0000:03:00.1,id=hostdev0"), r.out());
        assertTrue(r.out().contains("host=0000:03:00.2,id=hostdev1"), r.out());
        assertTrue(r.out().contains("host=0000:03:00.3,id=hostdev2"), r.out());
    }

    @Test
    void noFreeVfIsAnErrorNamingThePfItsCountAndEachVf() throws Exception {
        running("holder", alive(), List.of("0000:03:00.1", "0000:03:00.2", "0000:03:00.3"), List.of());
        Path s = spec("d", "[[hostdev]]\nvf_of = \"" + PF + "\"\n");
        for (String[] args : List.of(new String[] {"vm", "start", "--dry-run", s.toString()}, new String[] {"vm", "start", s.toString()},
                new String[] {"vm", "cmdline", s.toString()})) {
            CliRun r = hostdev(args);
            assertEquals(6, r.exitCode(), String.join(" ", args) + ": " + r.out() + r.err());
            assertTrue(r.err().contains("d.toml:5 a VF: no free VF on " + PF + ": 3 of 4 VFs enabled, and "
                    + "virtfn0 0000:03:00.1: used by VM holder"), r.err());
            assertTrue(r.err().contains("virtfn2 0000:03:00.3: used by VM holder"), r.err());
            assertTrue(r.err().contains("hostdev sriov " + PF + " --set 4"), r.err());
        }
        assertFalse(Files.exists(root.resolve("run/hostdev/vms/d/state.json")), "nothing recorded for the refused VM");
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void aPfWithNoVfsEnabledSaysHowToCreateThem() throws Exception {
        tree.pci("0000:04:00.0").vendor(0x8086).device(0x1572).klass(0x020000).pcie().driver("nvme").iommuGroup(9).sriov(8, 0).add();
        CliRun r = hostdev("vm", "cmdline", spec("e", "[[hostdev]]\nvf_of = \"04:00.0\"\n").toString());
        assertEquals(11, r.exitCode(), r.err());
        assertTrue(r.err().contains("0000:04:00.0 has no VFs enabled (0 of 8)"), r.err());
        assertTrue(r.err().contains("hostdev sriov 0000:04:00.0 --set N (N up to 8)"), r.err());
        CliRun notPf = hostdev("vm", "cmdline", spec("f", "[[hostdev]]\nvf_of = \"" + MLX + "\"\n").toString());
        assertEquals(2, notPf.exitCode(), notPf.err());
        assertTrue(notPf.err().contains(MLX + " is not an SR-IOV physical function"), notPf.err());
    }

    @Test
    void vfPicksOneVfAndTheUnmanagedTakeOnlyVfsOnVfio() throws Exception {
        CliRun one = hostdev("vm", "cmdline", spec("g", "[[hostdev]]\nvf_of = \"" + PF + "\"\nvf = 1\n").toString());
        assertEquals(0, one.exitCode(), one.err());
        assertTrue(one.out().contains("host=0000:03:00.2"), one.out());
        running("holder", alive(), List.of("0000:03:00.2"), List.of());
        CliRun held = hostdev("vm", "cmdline", spec("g", "[[hostdev]]\nvf_of = \"" + PF + "\"\nvf = 1\n").toString());
        assertEquals(6, held.exitCode(), held.err());
        assertTrue(held.err().contains("VF 1 of " + PF + " is not free: virtfn1 0000:03:00.2: used by VM holder"), held.err());
        CliRun absent = hostdev("vm", "cmdline", spec("g", "[[hostdev]]\nvf_of = \"" + PF + "\"\nvf = 3\n").toString());
        assertEquals(11, absent.exitCode(), absent.err());
        assertTrue(absent.err().contains(PF + " has no VF 3: it has 3 VFs enabled (virtfn0 to virtfn2)"), absent.err());
        assertTrue(absent.err().contains("hostdev sriov " + PF + " --set 4"), absent.err());
        CliRun unmanaged = hostdev("vm", "cmdline", spec("h", "[[hostdev]]\nvf_of = \"" + PF + "\"\nmanaged = false\n").toString());
        assertEquals(0, unmanaged.exitCode(), unmanaged.err());
        assertTrue(unmanaged.out().contains("host=0000:03:00.3"), "the first VF already on vfio-pci: " + unmanaged.out());
    }

    @Test
    void thePfCanBeNamedByASelector() throws Exception {
        CliRun r = hostdev("vm", "cmdline", spec("i", "[[hostdev]]\nvf_of = \"serial:PF-SERIAL\"\n").toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("host=0000:03:00.1"), r.out());
        CliRun none = hostdev("vm", "cmdline", spec("i", "[[hostdev]]\nvf_of = \"serial:NO-SUCH\"\n").toString());
        assertEquals(3, none.exitCode(), none.err());
        assertTrue(none.err().contains("i.toml:5: hostdev[0].vf_of"), none.err());
    }

    @Test
    void twoConcurrentStartsNeverShareAVf() throws Exception {
        // What vm start does between choosing and recording: PF locked, VF chosen, record written (QEMU running), lock released.
        int starts = 3;
        CyclicBarrier together = new CyclicBarrier(starts);
        ExecutorService pool = Executors.newFixedThreadPool(starts);
        List<Future<String>> chosen = new ArrayList<>();
        List<String> order = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < starts; i++) {
            String name = "vm" + i;
            Path s = spec(name, "[[hostdev]]\nvf_of = \"" + PF + "\"\n");
            chosen.add(pool.submit(() -> {
                together.await();
                try (VfLocks locks = VfLocks.forSpec(s, tree.sysfs(), "test " + name)) {
                    assertEquals(1, locks.size());
                    VfAssignment.Assigned a = new VfAssignment(tree.sysfs(), new VmRegistry(root.resolve("run/hostdev/vms")))
                            .assign(VmSpecLoader.load(s, new PciSelectorResolver(tree.sysfs())));
                    String vf = a.spec().hostdevs().get(0).pci().orElseThrow().toString();
                    order.add(name);
                    Thread.sleep(50); // QEMU starting: a start without the lock would choose the same VF meanwhile
                    running(name, alive(), List.of(vf), List.of(vf));
                    return vf;
                }
            }));
        }
        Set<String> vfs = new TreeSet<>();
        for (Future<String> f : chosen) {
            vfs.add(f.get(30, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertEquals(Set.of("0000:03:00.1", "0000:03:00.2", "0000:03:00.3"), vfs, "each start got its own VF, in order " + order);
    }

    @Test
    void driverKeyRules() throws Exception {
        CliRun notVfio = hostdev("vm", "start", "--dry-run", spec("j", "[[hostdev]]\npci = \"" + MLX + "\"\ndriver = \"mlx5_core\"\n").toString());
        assertEquals(2, notVfio.exitCode(), notVfio.err());
        assertTrue(notVfio.err().contains("j.toml:5: driver = \"mlx5_core\" is not a VFIO driver"), notVfio.err());
        CliRun usb = hostdev("vm", "cmdline", spec("k", "[[hostdev]]\nusb = \"046d:c52b\"\ndriver = \"vfio-pci\"\n").toString());
        assertEquals(2, usb.exitCode(), usb.err());
        assertTrue(usb.err().contains("hostdev[0].driver applies to PCI hostdevs only"), usb.err());
        CliRun unmanaged = hostdev("vm", "cmdline", spec("l", "[[hostdev]]\npci = \"" + MLX + "\"\nmanaged = false\ndriver = \"vfio-pci\"\n").toString());
        assertEquals(2, unmanaged.exitCode(), unmanaged.err());
        assertTrue(unmanaged.err().contains("hostdev[0].driver applies to managed hostdevs"), unmanaged.err());

        // auto: the variant from modules.alias; a name: that driver; both in one start's detach
        Path both = spec("m", "[[hostdev]]\npci = \"" + MLX + "\"\n[[hostdev]]\nvf_of = \"" + PF + "\"\ndriver = \"vfio-pci\"\n");
        CliRun auto = hostdev("vm", "start", "--dry-run", both.toString());
        assertEquals(0, auto.exitCode(), auto.err());
        assertTrue(auto.out().contains("write /sys/bus/pci/devices/" + MLX + "/driver_override mlx5_vfio_pci"), auto.out());
        assertTrue(auto.out().contains("write /sys/bus/pci/devices/0000:03:00.1/driver_override vfio-pci"), auto.out());
        Path named = spec("n", "[[hostdev]]\npci = \"" + MLX + "\"\ndriver = \"vfio-pci\"\n");
        CliRun n = hostdev("vm", "start", "--dry-run", named.toString());
        assertEquals(0, n.exitCode(), n.err());
        assertTrue(n.out().contains("write /sys/bus/pci/devices/" + MLX + "/driver_override vfio-pci"), n.out());
        CliRun cmd = hostdev("vm", "cmdline", named.toString());
        assertTrue(cmd.out().contains("#   write /sys/bus/pci/devices/" + MLX + "/driver_override vfio-pci"), cmd.out());
        // keep: a device already on a VFIO driver stays on it (no writes for it)
        Path keep = spec("o", "[[hostdev]]\npci = \"0000:03:00.3\"\ndriver = \"keep\"\n");
        CliRun k = hostdev("vm", "start", "--dry-run", keep.toString());
        assertEquals(0, k.exitCode(), k.err());
        assertFalse(k.out().contains("0000:03:00.3/driver_override"), k.out());
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void specKeysAreCheckedWhereTheyAreWritten() throws Exception {
        CliRun vfAlone = hostdev("vm", "cmdline", spec("p", "[[hostdev]]\npci = \"" + MLX + "\"\nvf = 1\n").toString());
        assertEquals(2, vfAlone.exitCode(), vfAlone.err());
        assertTrue(vfAlone.err().contains("p.toml:6: hostdev[0].vf picks a VF of the physical function vf_of names"), vfAlone.err());
        CliRun twice = hostdev("vm", "cmdline", spec("q", "[[hostdev]]\npci = \"" + MLX + "\"\nvf_of = \"" + PF + "\"\n").toString());
        assertEquals(2, twice.exitCode(), twice.err());
        assertTrue(twice.err().contains("names the device twice (pci and vf_of)"), twice.err());
        CliRun bad = hostdev("vm", "cmdline", spec("r", "[[hostdev]]\nvf_of = \"nonsense\"\n").toString());
        assertEquals(2, bad.exitCode(), bad.err());
        assertTrue(bad.err().contains("r.toml:5: hostdev[0].vf_of"), bad.err());
        CliRun badDriver = hostdev("vm", "cmdline", spec("s", "[[hostdev]]\npci = \"" + MLX + "\"\ndriver = \"../x\"\n").toString());
        assertEquals(2, badDriver.exitCode(), badDriver.err());
        assertTrue(badDriver.err().contains("is not a driver name"), badDriver.err());
    }

    @Test
    void aRunningVmStartedAgainIsToldItRunsNotThatItsOwnVfIsTaken() throws Exception {
        running("a", alive(), List.of("0000:03:00.1", "0000:03:00.2", "0000:03:00.3"), List.of());
        CliRun r = hostdev("vm", "start", "--dry-run", spec("a", "[[hostdev]]\nvf_of = \"" + PF + "\"\n").toString());
        assertEquals(6, r.exitCode(), r.err());
        assertTrue(r.err().contains("VM a is already running"), r.err());
    }
}
