package dev.hostdev.launcher.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The typed monitor: the version gate at connect, and replies parsed once. */
@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QemuMonitorTest {
    @TempDir
    Path dir;

    @Test
    void aQemuOlderThanSixIsRefusedAtConnectNamingBothVersions() throws Exception {
        try (FakeQmpServer qemu = new FakeQmpServer(dir.resolve("qmp.sock"), false, true)) {
            Thread greeter = new Thread(() -> {
                try {
                    qemu.send("{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 1, \"minor\": 2, \"major\": 5}, \"package\": \"\"}, \"capabilities\": []}}");
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            greeter.start();
            HostdevException e = assertThrows(HostdevException.class,
                    () -> QemuMonitor.connect(qemu.socket(), QmpOptions.defaults().withCommandTimeout(Duration.ofSeconds(5))));
            assertEquals(ErrorCode.ENVIRONMENT, e.code());
            assertTrue(e.getMessage().startsWith("QEMU 5.2.1 is older than 6.0.0"), e.getMessage());
        }
    }

    @Test
    void versionsCompareByMajorMinorMicro() {
        assertTrue(new QemuVersion(7, 2, 22).compareTo(QemuMonitor.MINIMUM) > 0);
        assertTrue(new QemuVersion(6, 0, 0).compareTo(QemuMonitor.MINIMUM) == 0);
        assertTrue(new QemuVersion(5, 99, 0).compareTo(QemuMonitor.MINIMUM) < 0);
    }

    @Test
    void statusAndPeripheralsAreParsedOnceAndCallsRenderAsQemuReadsThem() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir)) {
            Thread script = new Thread(() -> {
                try {
                    for (int i = 0; i < 2; i++) {
                        JsonNode cmd;
                        while ((cmd = qemu.nextCommandOrNull()) == null) {
                            Thread.onSpinWait();
                        }
                        switch (cmd.get("execute").asText()) {
                            case "query-status" -> qemu.reply(cmd, "{\"running\":false,\"singlestep\":false,\"status\":\"shutdown\"}");
                            case "qom-list" -> qemu.reply(cmd, "[{\"name\":\"type\",\"type\":\"string\"},{\"name\":\"nic1\",\"type\":\"child<e1000e>\"}]");
                            default -> qemu.error(cmd, "CommandNotFound", "unexpected");
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            script.setDaemon(true);
            script.start();
            try (QemuMonitor m = QemuMonitor.connect(qemu.socket(), QmpOptions.defaults())) {
                assertEquals("7.2.22", m.version().toString());
                QemuStatus s = m.queryStatus();
                assertEquals(new QemuStatus(false, "shutdown"), s);
                assertTrue(s.shutDown());
                assertEquals(Set.of("nic1"), m.peripheralIds());
            }
        }
        assertEquals("{\"execute\":\"device_del\",\"arguments\":{\"id\":\"hp1\"}}", QmpCall.deviceDel("hp1").render());
        assertEquals("{\"execute\":\"qom-list\",\"arguments\":{\"path\":\"/machine/peripheral\"}}", QmpCall.listPeripherals().render());
    }
}
