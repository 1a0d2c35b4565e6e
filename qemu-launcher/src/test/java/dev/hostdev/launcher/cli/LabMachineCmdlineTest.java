package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.lab.LabMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hostdev vm cmdline} takes the lab's own machine as it takes any spec: the lab VM is a Hostdev VM. */
class LabMachineCmdlineTest {
    @Test
    void vmCmdlinePrintsTheLabMachinesCommandLine(@TempDir Path root) throws Exception {
        Path work = Files.createDirectories(root.resolve("work"));
        Path spec = work.resolve(LabMachine.SPEC_FILE);
        Files.writeString(spec, LabMachine.standard().specText());
        CliRun run = CliRun.run("vm", "cmdline", spec.toString(), "--root", root.toString());
        assertEquals(0, run.exitCode(), run.err());
        String out = run.out();
        for (String expected : new String[] {"-device intel-iommu,intremap=on,caching-mode=on", "mount_tag=hostroot",
                "mount_tag=exchange", "-device e1000e,mac=52:54:00:1a:b0:01,id=nic1", "-device pcie-pci-bridge",
                "-device nvme,serial=hostdevlab1,id=nvme1", "-device usb-storage,drive=drive-usb2,id=usb2", "spare    free"}) {
            assertTrue(out.contains(expected), expected + " in:\n" + out);
        }
    }
}
