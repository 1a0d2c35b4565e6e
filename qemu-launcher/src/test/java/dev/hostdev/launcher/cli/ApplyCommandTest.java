package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.bind.DetachOptions;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.engine.bind.ModuleLoader;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.state.StateDirectory;
import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import dev.hostdev.engine.testing.TmpfsTempDir;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostdev apply} (plan, apply, check, idempotence, the guard, strict config files), {@code detach/reattach
 * --persistent}, and what a previous boot left, on the sample workstation under a simulated kernel.
 */
class ApplyCommandTest {
    private static final String BOOT = "0d6b5c1e-3f39-4c61-9c8d-6a4f4f1e2b7a";
    private static final String CONFIG = """
            modules = ["vfio-pci"]

            [[sriov]]
            path = "pci0000:00/1c.4/00.0"
            vfs = 4

            [[device]]
            path = "pci0000:00/1e.0/00.0/01.0"
            expect = "8086:100e"
            """;

    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    SysfsTree tree;
    SimulatedKernel kernel;
    Path hostToml;
    private Function<HostRoot, AttributeWriter> savedKernel;
    private Function<HostRoot, ModuleLoader> savedModules;

    @BeforeEach
    void setUp() throws Exception {
        tree = SampleHosts.workstation(dir).pciDriver("vfio-pci");
        tree.file("/proc/sys/kernel/random/boot_id", BOOT + "\n");
        kernel = new SimulatedKernel(dir);
        savedKernel = DetachCommandSupport.kernel;
        savedModules = DetachCommandSupport.modules;
        DetachCommandSupport.kernel = r -> kernel;
        DetachCommandSupport.modules = r -> kernel::loadModule;
        hostToml = dir.resolve("etc/hostdev/host.toml");
        Files.createDirectories(hostToml.getParent());
    }

    @AfterEach
    void restore() {
        DetachCommandSupport.kernel = savedKernel;
        DetachCommandSupport.modules = savedModules;
    }

    private CliRun hostdev(String... args) {
        String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--root";
        all[args.length + 1] = dir.toString();
        all[args.length + 2] = "--run-dir";
        all[args.length + 3] = dir.resolve("vms").toString();
        return CliRun.run(all);
    }

    private String driver(String address) throws Exception {
        Path link = tree.pciDeviceDir(address).resolve("driver");
        return Files.exists(link) ? Files.readSymbolicLink(link).getFileName().toString() : "none";
    }

    private String numVfs() throws Exception {
        return Files.readString(tree.pciDeviceDir("0000:02:00.0").resolve("sriov_numvfs")).strip();
    }

    @Test
    void aDryRunPrintsEveryWriteAndWritesNothing() throws Exception {
        Files.writeString(hostToml, CONFIG);
        CliRun r = hostdev("apply", "--dry-run");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("# sriov path:pci0000:00/1c.4/00.0 (0000:02:00.0): would go from 2 VFs to 4 VFs\n"
                + "write /sys/bus/pci/devices/0000:02:00.0/sriov_numvfs 0\n"
                + "write /sys/bus/pci/devices/0000:02:00.0/sriov_numvfs 4\n"), r.out());
        assertTrue(r.out().contains("# device path:pci0000:00/1e.0/00.0/01.0 (0000:04:01.0): would go from e1000 to vfio-pci\n"
                + "#   driver vfio-pci (no variant driver known: no readable /proc/sys/kernel/osrelease)\n"
                + "write /sys/bus/pci/devices/0000:04:01.0/driver_override vfio-pci\n"
                + "write /sys/bus/pci/drivers/e1000/unbind 0000:04:01.0\n"
                + "write /sys/bus/pci/drivers_probe 0000:04:01.0\n"), r.out());
        assertTrue(r.out().contains("# module vfio-pci: loaded, as configured"), r.out());
        assertTrue(r.out().endsWith("# would make 2 changes to match " + hostToml + "\n"), r.out());
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void applyMakesTheHostMatchAndASecondRunFindsNothingToDo() throws Exception {
        Files.writeString(hostToml, CONFIG);
        CliRun check = hostdev("apply", "--check");
        assertEquals(11, check.exitCode(), check.out() + check.err());
        assertTrue(check.out().contains("differs: sriov path:pci0000:00/1c.4/00.0 (0000:02:00.0): 2 VFs, configured 4 VFs ("
                + hostToml + ":4)"), check.out());
        assertTrue(check.out().contains("differs: device path:pci0000:00/1e.0/00.0/01.0 (0000:04:01.0): e1000, configured vfio-pci"),
                check.out());
        assertTrue(check.out().endsWith("2 differences from " + hostToml + "\n"), check.out());
        assertEquals(List.of(), kernel.writes(), "a check writes nothing");

        CliRun r = hostdev("apply");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("vfio-pci", driver("0000:04:01.0"));
        assertEquals("4", numVfs());
        assertTrue(r.out().contains("device path:pci0000:00/1e.0/00.0/01.0 (0000:04:01.0): e1000 -> vfio-pci"), r.out());
        assertTrue(r.out().endsWith("made 2 changes: the host matches " + hostToml + "\n"), r.out());
        assertTrue(Files.isDirectory(dir.resolve("run/hostdev/devices")), "journalled and recorded as detach does");

        int writes = kernel.writes().size();
        CliRun again = hostdev("apply");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().endsWith("nothing to do: the host matches " + hostToml + "\n"), again.out());
        assertEquals(writes, kernel.writes().size(), "idempotent: no write the second time");
        assertEquals(0, hostdev("apply", "--check").exitCode());
        CliRun json = hostdev("apply", "--check", "--json");
        assertEquals(0, json.exitCode(), json.err());
        assertTrue(json.out().startsWith("{\"mode\":\"check\",\"files\":[\"" + hostToml + "\"],\"in_sync\":true,\"items\":["), json.out());
    }

    @Test
    void inABatchACheckLineDoesNotMakeTheNextApplyACheck() throws Exception {
        // Found by the two-boot lab proof: one reused picocli model kept --check of an earlier line.
        Files.writeString(hostToml, CONFIG);
        Path lines = dir.resolve("lines");
        Files.writeString(lines, "apply --check\napply\napply --check\n");
        CliRun r = hostdev("batch", lines.toString(), "--keep-going", "--json");
        List<String> results = r.out().lines().toList();
        assertEquals(3, results.size(), r.out() + r.err());
        assertTrue(results.get(0).contains("\"exit\":11"), results.get(0));
        assertTrue(results.get(1).contains("\"exit\":0") && results.get(1).contains("made 2 changes"), results.get(1));
        assertTrue(results.get(2).contains("\"exit\":0"), results.get(2));
        assertEquals("vfio-pci", driver("0000:04:01.0"));
        assertEquals(2, hostdev("apply", "--check", "--dry-run").exitCode());
    }

    @Test
    void aDeviceTheHostUsesIsRefusedBeforeAnyWrite() throws Exception {
        Files.writeString(hostToml, CONFIG + """

                [[device]]
                pci = "0000:00:02.0"
                """);
        CliRun r = hostdev("apply");
        assertEquals(5, r.exitCode(), r.out() + r.err());
        assertTrue(r.err().contains("0000:00:02.0"), r.err());
        assertEquals(List.of(), kernel.writes(), "not even the VF count was changed");
        assertEquals("2", numVfs());
    }

    @Test
    void mistakesInTheFileNameItsLine() throws Exception {
        Files.writeString(hostToml, "[[device]]\npath = \"pci0000:00/1e.0/00.0/01.0\"\ndrivr = \"vfio-pci\"\n");
        CliRun r = hostdev("apply");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(hostToml + ":3: device[0].drivr is not a known key"), r.err());
        assertTrue(r.err().contains("did you mean 'driver'?"), r.err());

        Files.writeString(hostToml, "[[device]]\nserial = \"x\"\n[[device]]\nserial = \"x\"\n");
        r = hostdev("apply", "--check");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains(hostToml + ":3: device[1]: names serial:x, already held by " + hostToml + ":2"), r.err());

        Files.writeString(hostToml, CONFIG);
        Files.setPosixFilePermissions(hostToml, PosixFilePermissions.fromString("rw-rw-rw-"));
        r = hostdev("apply", "--dry-run");
        assertEquals(12, r.exitCode(), r.err());
        assertTrue(r.err().contains("refused " + hostToml + ": it is writable by every user"), r.err());
        assertEquals(3, hostdev("apply", "--config", dir.resolve("absent.toml").toString()).exitCode());
    }

    @Test
    void anNvmeHeldByItsSerialIsStillFoundOnceNvmeHasLetItGo() throws Exception {
        tree.pci("0000:00:1d.0").rootPort().secondaryBus(6).driver("pcieport").iommuGroup(8).add();
        tree.pci("0000:06:00.0").parent("0000:00:1d.0").vendor(0x144d).device(0xa808).klass(0x010802).pcie()
                .driver("nvme").iommuGroup(9).nvmeSerial("S4EWNX0R123456").add();
        CliRun detach = hostdev("detach", "--persistent", "0000:06:00.0");
        assertEquals(0, detach.exitCode(), detach.err());
        String dropIn = Files.readString(dir.resolve("etc/hostdev/host.d/persistent.toml"));
        assertTrue(dropIn.contains("serial = \"S4EWNX0R123456\"\nexpect = \"144d:a808\"\n"), "the most stable name: " + dropIn);
        // As the real kernel does: the serial shows only under nvme/nvmeN, which goes with the nvme driver.
        java.nio.file.Files.walk(tree.pciDeviceDir("0000:06:00.0").resolve("nvme")).sorted(java.util.Comparator.reverseOrder())
                .forEach(p -> p.toFile().delete());
        CliRun check = hostdev("apply", "--check");
        assertEquals(0, check.exitCode(), check.out() + check.err());
        assertTrue(check.out().contains("the host matches"), check.out());
    }

    @Test
    void withNoConfigurationThereIsNothingToDo() {
        CliRun r = hostdev("apply");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("nothing to do"), r.out());
    }

    @Test
    void detachPersistentRecordsTheDeviceAndReattachPersistentRemovesIt() throws Exception {
        Path dropIn = dir.resolve("etc/hostdev/host.d/persistent.toml");
        CliRun dry = hostdev("detach", "--persistent", "--dry-run", "04:01.0");
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().contains("# would write " + dropIn + ":\n"), dry.out());
        assertTrue(dry.out().contains("# +[[device]]\n# +path = \"pci0000:00/1e.0/00.0/01.0\"\n# +expect = \"8086:100e\"\n"), dry.out());
        assertFalse(Files.exists(dropIn));
        assertEquals(List.of(), kernel.writes());

        CliRun r = hostdev("detach", "--persistent", "04:01.0");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("vfio-pci", driver("0000:04:01.0"));
        assertTrue(Files.readString(dropIn).contains("# 0000:04:01.0 8086:100e when this file was written"), Files.readString(dropIn));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dropIn)));
        assertEquals(0, hostdev("apply", "--check").exitCode(), "apply reads what detach --persistent wrote");
        // Given back by hand without --persistent, the next boot's apply takes it again.
        assertEquals(0, hostdev("reattach", "04:01.0").exitCode());
        assertEquals(11, hostdev("apply", "--check").exitCode());
        assertEquals(0, hostdev("apply").exitCode());
        assertEquals("vfio-pci", driver("0000:04:01.0"));

        CliRun again = hostdev("detach", "--persistent", "--dry-run", "04:01.0");
        assertTrue(again.out().contains("no change (0000:04:01.0 is already held at every boot by " + dropIn + ":"), again.out());

        CliRun rdry = hostdev("reattach", "--persistent", "--dry-run", "04:01.0");
        assertEquals(0, rdry.exitCode(), rdry.err());
        assertTrue(rdry.out().contains("# would remove " + dropIn + ":"), rdry.out());
        assertTrue(Files.exists(dropIn));
        CliRun back = hostdev("reattach", "--persistent", "04:01.0");
        assertEquals(0, back.exitCode(), back.err());
        assertEquals("e1000", driver("0000:04:01.0"));
        assertFalse(Files.exists(dropIn));
    }

    @Test
    void aConfigNamedWithConfigMayBeJustTheDropInsBesideIt() throws Exception {
        String config = dir.resolve("appliance/host.toml").toString();
        assertEquals(3, hostdev("apply", "--check", "--config", config).exitCode(), "neither the file nor drop-ins");
        assertEquals(0, hostdev("detach", "--persistent", "--config", config, "04:01.0").exitCode());
        assertTrue(Files.exists(dir.resolve("appliance/host.d/persistent.toml")));
        CliRun check = hostdev("apply", "--check", "--config", config);
        assertEquals(0, check.exitCode(), check.out() + check.err());
        assertTrue(check.out().contains("the host matches " + dir.resolve("appliance/host.d/persistent.toml")), check.out());
    }

    @Test
    void detachPersistentWithGroupHoldsEveryEndpointOfTheGroup() throws Exception {
        CliRun r = hostdev("detach", "--persistent", "--group", "01:00.0");
        assertEquals(0, r.exitCode(), r.err());
        String dropIn = Files.readString(dir.resolve("etc/hostdev/host.d/persistent.toml"));
        assertTrue(dropIn.contains("path = \"pci0000:00/1c.0/00.0\"") && dropIn.contains("path = \"pci0000:00/1c.0/00.1\""), dropIn);
        assertEquals(0, hostdev("reattach", "01:00.0", "01:00.1").exitCode());
        CliRun apply = hostdev("apply");
        assertEquals(0, apply.exitCode(), apply.out() + apply.err());
        assertEquals("vfio-pci", driver("0000:01:00.1"));
    }

    @Test
    void reattachPersistentRefusesADeviceTheUsersOwnFileHolds() throws Exception {
        Files.writeString(hostToml, "[[device]]\npci = \"0000:04:01.0\"\n");
        assertEquals(0, hostdev("apply").exitCode());
        int writes = kernel.writes().size();
        CliRun r = hostdev("reattach", "--persistent", "04:01.0");
        assertEquals(11, r.exitCode(), r.err());
        assertTrue(r.err().contains("0000:04:01.0 is held at every boot by " + hostToml + ":2, a file Hostdev does not rewrite"), r.err());
        assertEquals(writes, kernel.writes().size(), "refused before the reattach");
        assertEquals("vfio-pci", driver("0000:04:01.0"));
    }

    @Test
    void whatAPreviousBootLeftIsReportedAndNeverActedOn() throws Exception {
        // A detach killed after its first write, in the previous boot; a VM recorded running then.
        kernel.killAfterWrite(1);
        assertThrows(SimulatedKernel.SimulatedCrash.class, () -> new DeviceBinder(tree.sysfs(kernel))
                .detach(List.of(PciAddress.parse("04:01.0")), DetachOptions.defaults().withDriver("vfio-pci")));
        kernel.revive();
        Path vms = dir.resolve("vms");
        Files.createDirectories(vms, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        VmRuntimeDir vm = new VmRuntimeDir(vms, "web");
        vm.create();
        vm.write(new VmRecord("web", "/etc/hostdev/vms/web.toml", List.of("qemu-system-x86_64"), VmState.RUNNING,
                new ProcessIdentity(ProcessHandle.current().pid(), ProcessHandle.current().info().startInstant().get().toEpochMilli(),
                        "/usr/bin/qemu-system-x86_64", "11111111-2222-3333-4444-555555555555"),
                null, "2026-12-03T05:00:00Z", 0, null, new SlotMap(List.of()), List.of(), List.of("0000:01:00.0"), null));
        // The reboot: a new boot id; the new boot's own apply holds the NIC as configured.
        tree.file("/proc/sys/kernel/random/boot_id", "99999999-2222-3333-4444-555555555555\n");
        // This boot holds the GPU and its audio function (the old VM's managed device) on vfio-pci for another use.
        Files.writeString(hostToml, "[[device]]\npath = \"pci0000:00/1e.0/00.0/01.0\"\n[[device]]\npci = \"01:00.0\"\n"
                + "[[device]]\npci = \"01:00.1\"\n");

        CliRun list = hostdev("vm", "list");
        assertTrue(list.out().contains("web                  crashed") && list.out().contains("host-reboot"), list.out());
        assertTrue(list.out().contains("warning: VM web: ended by a host reboot"), list.out());

        CliRun r = hostdev("apply");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().contains("# VM web (started 2026-12-03T05:00:00Z, recorded running with QEMU pid "), r.out());
        assertTrue(r.out().contains("was ended by a host reboot"), r.out());
        assertTrue(r.out().contains("# the interrupted detach ") && r.out().contains("of 0000:04:01.0")
                && r.out().contains("ended by a host reboot (this boot is 99999999-2222-3333-4444-555555555555)"), r.out());
        assertEquals("vfio-pci", driver("0000:04:01.0"));
        assertEquals(0, new StateDirectory(tree.hostRoot()).journalDir().toFile().list().length, "the stale entry is retired");
        CliRun recover = hostdev("recover");
        assertEquals(0, recover.exitCode(), recover.err());
        assertEquals("vfio-pci", driver("0000:04:01.0"), "recover did not \"roll back\" what this boot bound");
        int writes = kernel.writes().size();
        CliRun stop = hostdev("vm", "stop", "web");
        assertEquals(0, stop.exitCode(), stop.out() + stop.err());
        assertEquals("vfio-pci", driver("0000:01:00.0"), "the old VM's managed device is not \"given back\" under this boot");
        assertEquals(writes, kernel.writes().size(), stop.out() + stop.err());
        CliRun status = hostdev("vm", "status", "web", "--json");
        assertTrue(status.out().contains("\"state\":\"crashed\"") && status.out().contains("\"reason\":\"host-reboot\""), status.out());
    }
}
