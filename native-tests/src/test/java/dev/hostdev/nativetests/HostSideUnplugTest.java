package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.lab.GuestChannel;
import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.LabEnvironment;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unplug with a real guest acknowledging it. Hostdev itself starts the lab guest on this host
 * ({@code hostdev vm start} of a {@link LabSpec}: kernel, initrd, append, emulated IOMMU, 9p shares),
 * hotplugs an emulated e1000e ({@code attach --emulated}), the guest's kernel sees it, and
 * {@code hostdev unplug} completes because that kernel releases it: DEVICE_DELETED, where a VM with
 * no OS only ever times out. Then a hotplug rig's loop through {@code hostdev batch}: attach and unplug
 * again and again. No host device is involved: nothing is written to this host's /sys.
 */
class HostSideUnplugTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void unplugCompletesBecauseTheLabKernelReleasesTheDevice(@TempDir Path work) throws Exception {
        LabEnvironment env = LabVmExtension.environmentOrSkip();
        Path jar = LabVmExtension.hostdevJarOrSkip();
        Path spec = LabSpec.write(env, work, "labhost", 2);
        Path runDir = work.resolve("run");
        long[] qemuPid = {-1};
        try {
            HostHostdev.Run start = hostdev(jar, runDir, "vm", "start", spec.toString());
            assertEquals(0, start.status(), start.toString());
            JsonNode status = JSON.readTree(hostdev(jar, runDir, "vm", "status", "labhost", "--json").out());
            qemuPid[0] = status.path("pid").asLong();
            GuestChannel guest = LabSpec.channel(work, () -> ProcessHandle.of(qemuPid[0]).map(ProcessHandle::isAlive).orElse(false));
            Duration boot = guest.awaitReady(Duration.ofMinutes(3), System.nanoTime());
            System.out.println("[lab] hostdev vm start of the lab spec: guest ready after a further " + boot.toMillis() + " ms");

            HostHostdev.Run attach = hostdev(jar, runDir, "attach", "labhost", "--emulated", "e1000e", "--id", "nic9", "--json");
            assertEquals(0, attach.status(), attach.toString());
            GuestResult seen = guest.run("for i in $(seq 200); do lspci -n | grep -q " + LabMachine.E1000E_ID
                    + " && break; sleep 0.1; done; lspci -n | grep " + LabMachine.E1000E_ID, Duration.ofSeconds(60));
            assertTrue(seen.ok(), "the guest kernel sees the hotplugged e1000e: " + seen.describe());

            long t0 = System.nanoTime();
            HostHostdev.Run unplug = hostdev(jar, runDir, "unplug", "labhost", "nic9", "--timeout", "20");
            long unplugMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, unplug.status(), unplug.toString());
            System.out.println("[lab] hostdev unplug acknowledged by the lab kernel: " + unplugMs + " ms (JVM start included): "
                    + unplug.out().strip());
            GuestResult gone = guest.run("lspci -n | grep -c " + LabMachine.E1000E_ID + " || true", Duration.ofSeconds(30));
            assertEquals("0", gone.stdout().strip(), "the guest no longer has the device");
            JsonNode after = JSON.readTree(hostdev(jar, runDir, "vm", "status", "labhost", "--json").out());
            List<String> ids = new ArrayList<>();
            after.path("devices").forEach(d -> ids.add(d.path("id").asText()));
            assertFalse(ids.contains("nic9"), "QEMU no longer lists nic9: " + ids);

            // A hotplug rig's loop, in one process: attach and unplug again and again on the same root port,
            // each unplug acknowledged by the guest kernel.
            int cycles = 50;
            List<String> lines = new ArrayList<>();
            for (int i = 1; i <= cycles; i++) {
                lines.add("attach labhost --emulated e1000e --id rig" + i);
                lines.add("unplug labhost rig" + i + " --timeout 20");
            }
            Path rig = Files.write(work.resolve("rig.txt"), lines);
            t0 = System.nanoTime();
            HostHostdev.Run batch = hostdev(jar, runDir, "batch", rig.toString(), "--json");
            long batchMs = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, batch.status(), batch.toString());
            String[] results = batch.out().split("\n");
            assertEquals(2 * cycles, results.length, batch.out());
            for (String r : results) {
                assertEquals(0, JSON.readTree(r).path("exit").asInt(), r);
            }
            assertTrue(JSON.readTree(results[results.length - 1]).path("stdout").asText().startsWith("unplugged rig" + cycles), results[results.length - 1]);
            System.out.println("[lab] hostdev batch: " + cycles + " attach and unplug cycles acknowledged by the lab kernel in " + batchMs
                    + " ms, one JVM start included (" + (batchMs / cycles) + " ms a cycle)");
            GuestResult none = guest.run("lspci -n | grep -c " + LabMachine.E1000E_ID + " || true", Duration.ofSeconds(30));
            assertEquals("0", none.stdout().strip(), "after the loop the guest has no e1000e left");

            HostHostdev.stopAndCheckGone(jar, runDir, "labhost", qemuPid[0]);
        } finally {
            HostHostdev.killIfAlive(qemuPid[0]);
        }
    }

    private static HostHostdev.Run hostdev(Path jar, Path runDir, String... args) throws Exception {
        return HostHostdev.run(jar, runDir, Duration.ofMinutes(2), args);
    }
}
