package dev.hostdev.launcher.cmdline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.launcher.topology.RootPortPlan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the real qemu-system-x86_64 (paused, -S) with a generated command line and checks that
 * QEMU accepts it: every planned device exists under /machine/peripheral, and the hotplug code's
 * typed {@code device_add} arguments are accepted on a free root port and a free bridge slot.
 * Skipped when QEMU is not installed. Takes about a second.
 */
class RealQemuLaunchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Process qemu;

    @TempDir
    Path dir;
    @RegisterExtension
    final PlannedQemu planned = new PlannedQemu();

    @Test
    @Timeout(30)
    void qemuAcceptsTheGeneratedCommandLineAndHotplugArguments() throws Exception {
        PlannedQemu.assumeInstalled();
        Files.write(dir.resolve("nvme,1.img"), new byte[1 << 20]);
        Files.write(dir.resolve("stick.img"), new byte[1 << 20]);
        Files.createDirectories(dir.resolve("share"));
        LaunchPlan plan = planned.plan(dir, "it.toml", """
                name = "it"
                memory = "128M"
                accel = "tcg"
                iommu = "intel"
                serial = "serial.log"
                spare_root_ports = 2
                legacy_hotplug = true
                [[hotplug]]
                size = "1G"
                [[share]]
                path = "share"
                tag = "share"
                readonly = true
                [[device]]
                model = "e1000e"
                id = "nic0"
                [[device]]
                model = "e1000"
                id = "legacy0"
                [[device]]
                model = "nvme"
                drive = "nvme,1.img"
                [[device]]
                model = "usb-kbd"
                [[device]]
                model = "usb-storage"
                drive = "stick.img"
                """, true);
        QemuCapabilities.of(Path.of(plan.argv().get(0))).require(plan.devices().stream().map(QemuDevice::driver).toList());
        qemu = planned.start(plan.argv());

        try (SocketChannel ch = connect(plan.paths().qmpSocket())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(ch);
            assertTrue(JSON.readTree(in.readLine()).has("QMP"), "greeting");
            execute(in, out, "qmp_capabilities", null);

            Set<String> peripherals = peripherals(in, out);
            for (QemuDevice d : plan.devices()) {
                assertTrue(peripherals.contains(d.id()), d.id() + " missing from " + peripherals);
            }

            RootPortPlan free = plan.topology().freeRootPorts().get(0);
            EmulatedDevice hotNic = new EmulatedDevice("e1000e", "hot0", free.port().id(), java.util.Optional.of("0x0"), java.util.Map.of());
            execute(in, out, "device_add", hotNic.deviceAddArguments());
            int slot = plan.topology().freeBridgeSlots().get(0);
            EmulatedDevice hotLegacy = new EmulatedDevice("e1000", "hot1", plan.topology().bridge().orElseThrow().id(),
                    java.util.Optional.of(String.format("0x%x", slot)), java.util.Map.of());
            execute(in, out, "device_add", hotLegacy.deviceAddArguments());
            Set<String> after = peripherals(in, out);
            assertTrue(after.contains("hot0") && after.contains("hot1"), after.toString());

            execute(in, out, "quit", null);
        }
        assertTrue(qemu.waitFor(10, TimeUnit.SECONDS), "QEMU quits");
        assertEquals(0, qemu.exitValue(), planned.log());
        assertTrue(Files.exists(dir.resolve("serial.log")), "serial log file created");
    }

    @Test
    @Timeout(30)
    void qemuAcceptsTheSizedHoleFirmwareAddressWidthAndAMemoryBackend() throws Exception {
        PlannedQemu.assumeInstalled();
        Assumptions.assumeTrue(Files.isRegularFile(dev.hostdev.launcher.spec.GuestPlatform.DEFAULT_OVMF), "no OVMF (package ovmf)");
        // a 512G hotplug window and a 1G ivshmem BAR: a 513G hole aligned to 512G ends past 40 bits
        LaunchPlan plan = planned.plan(dir, "big.toml", """
                name = "big"
                memory = "128M"
                accel = "tcg"
                firmware = "ovmf"
                phys_bits = 41
                [[hotplug]]
                size = "512G"
                [[device]]
                model = "ivshmem-plain"
                id = "shm"
                memory = "1G"
                """, true);
        assertEquals(513L << 30, plan.addressSpace().holeSize());
        qemu = planned.start(plan.argv());
        try (SocketChannel ch = connect(plan.paths().qmpSocket())) {
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            OutputStream out = Channels.newOutputStream(ch);
            assertTrue(JSON.readTree(in.readLine()).has("QMP"), "greeting");
            execute(in, out, "qmp_capabilities", null);
            JsonNode hole = execute(in, out, "qom-get", JSON.createObjectNode().put("path", "/machine/q35").put("property", "pci-hole64-size"));
            assertEquals(513L << 30, hole.asLong(), "the q35 host has the hole the plan sized");
            JsonNode size = execute(in, out, "qom-get", JSON.createObjectNode().put("path", "/objects/mem-shm").put("property", "size"));
            assertEquals(1L << 30, size.asLong(), "the device's memory backend");
            assertTrue(peripherals(in, out).contains("shm"));
            execute(in, out, "quit", null);
        }
        assertTrue(qemu.waitFor(10, TimeUnit.SECONDS), "QEMU quits");
        assertEquals(0, qemu.exitValue(), planned.log());
    }

    private SocketChannel connect(Path socket) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (true) {
            if (!qemu.isAlive()) {
                throw new AssertionError("QEMU exited " + qemu.exitValue() + ": " + planned.log());
            }
            if (Files.exists(socket)) {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                try {
                    ch.connect(UnixDomainSocketAddress.of(socket));
                    return ch;
                } catch (IOException e) {
                    ch.close();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no QMP socket " + socket + " after 15 s");
            }
            Thread.sleep(20);
        }
    }

    private static Set<String> peripherals(BufferedReader in, OutputStream out) throws IOException {
        ObjectNode args = JSON.createObjectNode().put("path", "/machine/peripheral");
        Set<String> names = new HashSet<>();
        for (JsonNode p : execute(in, out, "qom-list", args)) {
            if (p.get("type").asText().startsWith("child<")) {
                names.add(p.get("name").asText());
            }
        }
        return names;
    }

    /** Sends a command and returns its "return", skipping events; fails on "error". */
    private static JsonNode execute(BufferedReader in, OutputStream out, String command, ObjectNode args) throws IOException {
        ObjectNode msg = JSON.createObjectNode().put("execute", command);
        if (args != null) {
            msg.set("arguments", args);
        }
        out.write((msg + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        List<String> events = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
            JsonNode reply = JSON.readTree(line);
            if (reply.has("return")) {
                return reply.get("return");
            }
            if (reply.has("error")) {
                throw new AssertionError(command + " " + args + " failed: " + reply.get("error"));
            }
            events.add(line);
        }
        throw new AssertionError("QMP closed during " + command + "; events " + events);
    }
}
