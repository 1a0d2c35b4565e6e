package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.lab.GuestChannel;
import dev.hostdev.launcher.lab.LabEnvironment;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabSpec;
import dev.hostdev.launcher.soak.ExchangeGuestCheck;
import dev.hostdev.launcher.soak.GuestCheck;
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
 * {@code hostdev soak} against a real guest kernel, in one boot of the lab guest started by {@code hostdev vm start}
 * (as {@link HostSideUnplugTest}): 200 attach/unplug cycles of an emulated e1000e, every unplug acknowledged by the
 * guest kernel (DEVICE_DELETED), with the percentiles reported; then a soak whose guest check, at cycle 3, gives the
 * new device to a process in the guest that will not let it go (the guest binds it to vfio-pci and a nested QEMU
 * holds it open, so the guest kernel's removal waits for ever, relaying the request to that QEMU) — the soak stops
 * at cycle 3 naming the unplug that was never acknowledged. Nothing is written to this host's /sys.
 */
class SoakInLabTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int CYCLES = 200;

    /** Waits until the guest's kernel lists an e1000e (8086:10d3). */
    static final String SEES_E1000E = "i=0; while [ $i -lt 400 ]; do for d in /sys/bus/pci/devices/*; do read v < $d/device;"
            + " [ \"$v\" = 0x10d3 ] && exit 0; done; i=$((i+1)); sleep 0.05; done; exit 1";

    /** Waits until the guest sees the e1000e; at cycle 3 binds it to vfio-pci and has a nested QEMU hold it. */
    static final String CHECK_HOLDING_AT_CYCLE_3 = """
            for i in $(seq 200); do lspci -n | grep -q %1$s && break; sleep 0.05; done
            lspci -n | grep -q %1$s || { echo "the guest does not see the e1000e" >&2; exit 1; }
            [ "$HOSTDEV_SOAK_CYCLE" = 3 ] || exit 0
            addr=$(lspci -Dn -d %1$s | cut -d' ' -f1 | head -n1)
            modprobe vfio-pci
            echo vfio-pci > /sys/bus/pci/devices/$addr/driver_override
            [ -e /sys/bus/pci/devices/$addr/driver ] && echo $addr > /sys/bus/pci/devices/$addr/driver/unbind
            echo $addr > /sys/bus/pci/drivers_probe
            setsid qemu-system-x86_64 -S -nodefaults -display none -machine q35 -accel tcg -m 64 \\
                -device vfio-pci,host=$addr < /dev/null > /tmp/holder.log 2>&1 &
            holder=$!
            for i in $(seq 600); do
              ls -l /proc/$holder/fd 2>/dev/null | grep -q 'vfio-device' && { echo "held by pid $holder"; exit 0; }
              kill -0 $holder 2>/dev/null || break
              sleep 0.1
            done
            echo "the nested QEMU did not open $addr: $(cat /tmp/holder.log)" >&2; exit 1
            """.formatted(LabMachine.E1000E_ID);

    @Test
    void twoHundredAcknowledgedCyclesThenAGuestThatHoldsTheDeviceStopsTheSoakAtThatCycle(@TempDir Path work) throws Exception {
        LabEnvironment env = LabVmExtension.environmentOrSkip();
        Path jar = LabVmExtension.hostdevJarOrSkip();
        Path spec = LabSpec.write(env, work, "soaklab", 2);
        Path runDir = work.resolve("run");
        long[] qemuPid = {-1};
        try {
            HostHostdev.Run start = hostdev(jar, runDir, "vm", "start", spec.toString());
            assertEquals(0, start.status(), start.toString());
            JsonNode status = JSON.readTree(hostdev(jar, runDir, "vm", "status", "soaklab", "--json").out());
            qemuPid[0] = status.path("pid").asLong();
            GuestChannel guest = LabSpec.channel(work, () -> HostHostdev.alive(qemuPid[0]));
            Duration boot = guest.awaitReady(Duration.ofMinutes(3), System.nanoTime());
            System.out.println("[lab] soak: guest ready after a further " + boot.toMillis() + " ms");

            // 200 cycles, each unplug acknowledged by the guest kernel
            Path plot = work.resolve("soak.svg");
            HostHostdev.Run soak = hostdev(jar, runDir, "soak", "soaklab", "--emulated", "e1000e", "--cycles", Integer.toString(CYCLES),
                    "--timeout", "20", "--plot", plot.toString(), "--json");
            assertEquals(0, soak.status(), soak.toString());
            JsonNode r = JSON.readTree(soak.out());
            System.out.println("[lab] soak of " + CYCLES + " cycles acknowledged by the lab kernel: " + soak.out().strip());
            assertEquals(CYCLES, r.path("passed").asInt(), soak.out());
            assertEquals(0, r.path("failed").asInt());
            JsonNode del = r.path("latency_ms").path("del");
            assertEquals(CYCLES, del.path("count").asInt());
            assertTrue(del.path("p50").asDouble() > 0 && del.path("p50").asDouble() <= del.path("p90").asDouble()
                    && del.path("p90").asDouble() <= del.path("p99").asDouble() && del.path("p99").asDouble() <= del.path("max").asDouble(), soak.out());
            assertTrue(r.path("latency_ms").path("guest_visible").isNull(), "no guest check, nothing guest-visible measured");
            assertTrue(r.path("rss_kib").path("qemu").path("start").asLong() > 0, soak.out());
            assertTrue(r.path("rss_kib").path("hostdev").path("end").asLong() > 0, soak.out());
            String svg = Files.readString(plot, StandardCharsets.UTF_8);
            assertTrue(svg.startsWith("<?xml") && svg.contains("<polyline") && svg.strip().endsWith("</svg>"), "an SVG chart: " + plot);

            // with a guest check: how long until the guest's kernel lists the device (sh builtins only: each program
            // started in the guest costs a read over 9p); text output and a progress line, as a person sees them
            Path checkedPlot = Path.of(System.getProperty("soak.plot", work.resolve("checked.svg").toString()));
            HostHostdev.Run checked = hostdev(jar, runDir, "soak", "soaklab", "--emulated", "e1000e", "--cycles", "20", "--timeout", "20",
                    "--guest-check", SEES_E1000E, "--guest-exchange", guest.exchangeDir().toString(), "--plot", checkedPlot.toString(),
                    "--progress");
            System.out.println("[lab] soak with a guest check:\n" + checked.out() + checked.err());
            assertEquals(0, checked.status(), checked.toString());
            assertTrue(checked.out().contains("20 of 20 cycles run, 20 passed, 0 failed"), checked.out());
            assertTrue(checked.out().contains("guest-visible  p50 "), checked.out());
            assertTrue(checked.err().contains("soak: cycle 20/20, 20 passed, 0 failed"), checked.err());

            // a guest that holds the device from cycle 3 on: the soak stops there and says why
            HostHostdev.Run held = hostdev(jar, runDir, "soak", "soaklab", "--emulated", "e1000e", "--cycles", "10", "--timeout", "8",
                    "--guest-check", CHECK_HOLDING_AT_CYCLE_3, "--guest-exchange", guest.exchangeDir().toString(),
                    "--guest-timeout", "120", "--json");
            System.out.println("[lab] soak with a guest that holds the device at cycle 3: exit " + held.status() + ": " + held.out().strip());
            assertEquals(10, held.status(), held.toString());
            JsonNode h = JSON.readTree(held.out());
            assertEquals(3, h.path("cycles_run").asInt(), held.out());
            assertEquals(2, h.path("passed").asInt());
            JsonNode stopped = h.path("stopped_at");
            assertEquals(3, stopped.path("cycle").asInt(), held.out());
            assertEquals("unplug", stopped.path("phase").asText());
            assertEquals("timeout", stopped.path("code").asText());
            assertTrue(stopped.path("message").asText().startsWith("no guest acknowledged the unplug of soak1-3 from VM soaklab within 8 s"),
                    stopped.toString());
            assertEquals(2, h.path("latency_ms").path("guest_visible").path("count").asInt(), held.out());

            // the guest kernel's side of it: the removal waits on the process that holds the device
            GuestCheck dmesg = new ExchangeGuestCheck(guest.exchangeDir(),
                    "dmesg | grep 'vfio-pci' | grep -q 'Relaying device request to user'", Duration.ofSeconds(30));
            GuestCheck.Outcome relayed = dmesg.run(0, List.of());
            assertTrue(relayed.passed(), "the guest kernel relays the unplug request to the holder: " + relayed.detail());
            JsonNode after = JSON.readTree(hostdev(jar, runDir, "vm", "status", "soaklab", "--json").out());
            List<String> ids = new ArrayList<>();
            after.path("devices").forEach(d -> ids.add(d.path("id").asText()));
            assertTrue(ids.contains("soak1-3"), "the unplug stays pending, the device recorded: " + ids);

            HostHostdev.stopAndCheckGone(jar, runDir, "soaklab", qemuPid[0]);
        } finally {
            HostHostdev.killIfAlive(qemuPid[0]);
        }
    }

    private static HostHostdev.Run hostdev(Path jar, Path runDir, String... args) throws Exception {
        return HostHostdev.run(jar, runDir, Duration.ofMinutes(10), args);
    }
}
