package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.bind.DetachOptions;
import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.AttributeWriter;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.engine.testing.SimulatedKernel;
import dev.hostdev.engine.testing.SysfsTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.hostdev.engine.testing.TmpfsTempDir;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostdev detach / reattach / recover} run in-process against a simulated kernel on a temp tree. */
class BindingCommandsTest {
    @TempDir(factory = TmpfsTempDir.class)
    Path dir;
    SysfsTree tree;
    SimulatedKernel kernel;
    String root;
    private Function<HostRoot, AttributeWriter> saved;

    @BeforeEach
    void setUp() {
        tree = SampleHosts.workstation(dir).pciDriver("vfio-pci");
        kernel = new SimulatedKernel(dir);
        root = dir.toString();
        saved = DetachCommandSupport.kernel;
        DetachCommandSupport.kernel = r -> {
            assertEquals(dir.toAbsolutePath().normalize(), r.path(), "every write goes to the test's tree");
            return kernel;
        };
    }

    @AfterEach
    void restore() {
        DetachCommandSupport.kernel = saved;
    }

    private CliRun run(String... args) {
        return CliRun.run(args);
    }

    @Test
    void dryRunPrintsEveryWriteInOrderAndWritesNothing() {
        CliRun r = run("detach", "--root", root, "--group", "--dry-run", "01:00.0");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("""
                # 0000:01:00.0: driver vfio-pci (no variant driver known: no readable /proc/sys/kernel/osrelease)
                write /sys/bus/pci/devices/0000:01:00.0/driver_override vfio-pci
                write /sys/bus/pci/drivers/nouveau/unbind 0000:01:00.0
                write /sys/bus/pci/drivers_probe 0000:01:00.0
                # 0000:01:00.1: driver vfio-pci (no variant driver known: no readable /proc/sys/kernel/osrelease)
                write /sys/bus/pci/devices/0000:01:00.1/driver_override vfio-pci
                write /sys/bus/pci/drivers/snd_hda_intel/unbind 0000:01:00.1
                write /sys/bus/pci/drivers_probe 0000:01:00.1
                """, r.out());
        assertEquals(List.of(), kernel.writes());
        assertFalse(Files.exists(dir.resolve("run")), "no journal, lock or record under --dry-run");
    }

    @Test
    void detachPrintsALinePerDeviceAndVerboseShowsEachWrite() {
        CliRun r = run("detach", "--root", root, "-v", "--group", "pci_0000_04_01_0");
        assertEquals(0, r.exitCode(), r.err());
        String out = r.out();
        assertTrue(out.contains("write /sys/bus/pci/devices/0000:04:01.0/driver_override vfio-pci\n"
                + "write /sys/bus/pci/drivers/e1000/unbind 0000:04:01.0\n"
                + "write /sys/bus/pci/drivers_probe 0000:04:01.0\n"), out);
        assertTrue(out.contains("0000:04:01.0: detached from e1000 to vfio-pci (/dev/vfio/5)\n"), out);
        assertTrue(out.contains("0000:04:02.0: detached from no driver to vfio-pci (/dev/vfio/5)\n"), out);
        assertTrue(out.contains("0000:03:00.0: a bridge of the group, left on no driver\n"), out);
        CliRun again = run("detach", "--root", root, "04:01.0");
        assertEquals("0000:04:01.0: already on vfio-pci, nothing to do\n", again.out());
    }

    @Test
    void detachAndReattachAsJson() throws Exception {
        CliRun d = run("detach", "--root", root, "--json", "--group", "01:00.0");
        assertEquals(0, d.exitCode(), d.err());
        JsonNode j = new ObjectMapper().readTree(d.out());
        assertFalse(j.get("dry_run").asBoolean());
        JsonNode gpu = j.get("devices").get(0);
        assertEquals("0000:01:00.0", gpu.get("address").asText());
        assertEquals("detached", gpu.get("outcome").asText());
        assertEquals("nouveau", gpu.get("before").get("driver").asText());
        assertEquals("vfio-pci", gpu.get("after").get("driver").asText());
        assertEquals("/dev/vfio/14", gpu.get("vfio_node").asText());
        assertEquals("/sys/bus/pci/drivers/nouveau/unbind", gpu.get("writes").get(1).get("attribute").asText());

        CliRun r = run("reattach", "--root", root, "--json", "01:00.0", "01:00.1");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode rj = new ObjectMapper().readTree(r.out());
        assertEquals("reattached", rj.get("devices").get(0).get("outcome").asText());
        assertEquals("nouveau", rj.get("devices").get(0).get("after").get("driver").asText());
        assertEquals("\n", rj.get("devices").get(0).get("writes").get(0).get("value").asText());
        assertEquals(List.of("nouveau", "snd_hda_intel"),
                List.of(kernel.currentDriver("0000:01:00.0").orElseThrow(), kernel.currentDriver("0000:01:00.1").orElseThrow()));
    }

    @Test
    void reattachDryRunAndText() {
        run("detach", "--root", root, "04:01.0");
        CliRun dry = run("reattach", "--root", root, "--dry-run", "04:01.0");
        assertEquals("""
                write /sys/bus/pci/devices/0000:04:01.0/driver_override \\n
                write /sys/bus/pci/drivers/vfio-pci/unbind 0000:04:01.0
                write /sys/bus/pci/drivers/e1000/bind 0000:04:01.0
                """, dry.out());
        CliRun r = run("reattach", "--root", root, "04:01.0");
        assertEquals("0000:04:01.0: reattached from vfio-pci to e1000\n", r.out());
    }

    @Test
    void aDeviceDeadAfterItsResetExitsWithKernelStatus() {
        run("detach", "--root", root, "--group", "01:00.0");
        kernel.resetKillsDevice("0000:01:00.0");
        CliRun r = run("reattach", "--root", root, "01:00.0");
        assertEquals(7, r.exitCode());
        assertTrue(r.out().contains("0000:01:00.0: left bound to no driver"), r.out());
        assertTrue(r.err().contains("warning: 0000:01:00.0 does not answer after its reset"), r.err());
    }

    @Test
    void refusalsAreOneLineWithAHintAndTheirExitStatus() throws Exception {
        CliRun nv = run("detach", "--root", root, "01:00.0");
        assertEquals(4, nv.exitCode());
        assertTrue(nv.err().startsWith("hostdev: IOMMU group 14 is not viable: 0000:01:00.1 is still bound to snd_hda_intel"), nv.err());
        assertTrue(nv.err().contains("\nhint: "), nv.err());
        assertFalse(nv.err().contains("\tat "), "no stack trace");

        CliRun vga = run("detach", "--root", root, "--json", "00:02.0");
        assertEquals(5, vga.exitCode());
        assertEquals("host_in_use", new ObjectMapper().readTree(vga.out()).get("error").get("code").asText());

        assertEquals(3, run("detach", "--root", root, "0a:00.0").exitCode());
        assertEquals(2, run("detach", "--root", root, "../../etc").exitCode());
        assertEquals(2, run("detach", "--root", root, "1-2").exitCode());
        assertEquals(2, run("detach", "--root", root).exitCode());
        assertEquals(2, run("detach", "--root", root, "--driver", "../x", "04:01.0").exitCode());
        assertEquals(2, run("reattach", "--root", root, "0000:04:01.0\u0000").exitCode());
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void aDeviceAnotherProcessIsChangingIsBusy() throws Exception {
        var locks = new dev.hostdev.engine.state.DeviceLocks(new dev.hostdev.engine.state.StateDirectory(tree.hostRoot()), "hostdev vm start db");
        try (var held = locks.acquire(PciAddress.parse("04:01.0"))) {
            CliRun r = run("detach", "--root", root, "--json", "04:01.0");
            assertEquals(6, r.exitCode());
            JsonNode e = new ObjectMapper().readTree(r.out()).get("error");
            assertEquals("busy", e.get("code").asText());
            assertTrue(e.get("message").asText().contains("(hostdev vm start db)"), e.toString());
        }
        assertEquals(List.of(), kernel.writes());
    }

    @Test
    void recoverRollsBackWhatAKilledProcessLeft() {
        CliRun nothing = run("recover", "--root", root);
        assertEquals("nothing to recover\n", nothing.out());
        kernel.killAfterWrite(2);
        DeviceBinder crashing = new DeviceBinder(tree.sysfs(kernel));
        assertThrows(SimulatedKernel.SimulatedCrash.class,
                () -> crashing.detach(List.of(PciAddress.parse("04:01.0")), DetachOptions.defaults()));
        kernel.revive();
        CliRun dry = run("recover", "--root", root, "--dry-run");
        assertEquals("""
                write /sys/bus/pci/devices/0000:04:01.0/driver_override \\n
                write /sys/bus/pci/drivers/e1000/bind 0000:04:01.0
                """, dry.out());
        CliRun r = run("recover", "--root", root);
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("0000:04:01.0: recovered: now on e1000\n", r.out());
        assertEquals("e1000", kernel.currentDriver("0000:04:01.0").orElseThrow());
        assertEquals("nothing to recover\n", run("recover", "--root", root).out());
    }
}
