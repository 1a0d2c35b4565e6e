package dev.hostdev.launcher.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 20, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class QmpClientTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final QmpOptions FAST = QmpOptions.defaults().withCommandTimeout(Duration.ofSeconds(3));

    @TempDir
    Path dir;

    /** Each call on a thread of its own: the common pool has one thread on two cores, and calls here block. */
    private static <T> CompletableFuture<T> async(java.util.function.Supplier<T> call) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(call.get());
            } catch (Throwable e) {
                f.completeExceptionally(e);
            }
        });
        t.setDaemon(true);
        t.start();
        return f;
    }

    private static CompletableFuture<Void> run(Runnable call) {
        return async(() -> {
            call.run();
            return null;
        });
    }

    @Test
    void handshakeThenCommandReturnsItsValue() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            assertEquals("7.2.22", qmp.qemuVersion());
            CompletableFuture<JsonNode> r = async(() -> qmp.execute("query-status"));
            JsonNode cmd = qemu.nextCommand();
            assertEquals("query-status", cmd.get("execute").asText());
            assertFalse(cmd.has("id"), "alone in flight, a command needs no id: " + cmd);
            qemu.reply(cmd, "{\"status\": \"prelaunch\", \"running\": false}");
            assertEquals("prelaunch", r.get().get("status").asText());
        }
    }

    @Test
    void argumentsAreSentAsGiven() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            run(() -> qmp.execute("device_del", MAPPER.createObjectNode().put("id", "net,1")));
            JsonNode cmd = qemu.nextCommand();
            assertEquals("net,1", cmd.path("arguments").path("id").asText());
            qemu.reply(cmd, "{}");
        }
    }

    @Test
    void repliesOutOfOrderReachTheirOwnCommands() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            CompletableFuture<JsonNode> first = async(() -> qmp.execute("query-status"));
            JsonNode c1 = qemu.nextCommand();
            CompletableFuture<JsonNode> second = async(() -> qmp.execute("query-pci"));
            JsonNode c2 = qemu.nextCommand();
            assertFalse(c1.has("id"), "the first went alone");
            assertTrue(c2.has("id"), "the second, sent while the first waits, carries an id");
            qemu.reply(c2, "\"second\"");
            qemu.reply(c1, "\"first\"");
            assertEquals("first", first.get().asText());
            assertEquals("second", second.get().asText());
        }
    }

    @Test
    void submittedCommandsGoOutAtOnceAndAreAnsweredInOrder() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            QmpClient.Pending add = qmp.submit("device_add", MAPPER.createObjectNode().put("id", "n1"), Duration.ofSeconds(3));
            QmpClient.Pending list = qmp.submit("qom-list", null, Duration.ofSeconds(3));
            JsonNode c1 = qemu.nextCommand();
            JsonNode c2 = qemu.nextCommand();
            assertEquals("device_add", c1.get("execute").asText());
            assertFalse(c1.has("id"), "the first went alone");
            assertEquals("qom-list", c2.get("execute").asText());
            assertTrue(c2.has("id"), "the second, sent behind the first, carries an id");
            qemu.reply(c1, "{}");
            qemu.reply(c2, "[{\"name\": \"n1\", \"type\": \"child<e1000e>\"}]");
            assertTrue(list.await().isArray(), "awaited in any order");
            assertEquals(0, add.await().size());
            CompletableFuture<JsonNode> next = async(() -> qmp.execute("query-status"));
            JsonNode c3 = qemu.nextCommand();
            assertFalse(c3.has("id"), "once both are answered, a command alone needs no id again: " + c3);
            qemu.reply(c3, "\"ok\"");
            assertEquals("ok", next.get().asText());
        }
    }

    @Test
    void aSubmittedCommandThatFailsFailsOnlyItsOwnAwait() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            QmpClient.Pending add = qmp.submit("device_add", null, Duration.ofSeconds(3));
            QmpClient.Pending list = qmp.submit("qom-list", null, Duration.ofSeconds(3));
            qemu.error(qemu.nextCommand(), "GenericError", "Bus 'pci.9' not found");
            qemu.reply(qemu.nextCommand(), "[]");
            QmpCommandException e = assertThrows(QmpCommandException.class, add::await);
            assertTrue(e.getMessage().contains("Bus 'pci.9' not found"), e.getMessage());
            assertEquals(0, list.await().size());
        }
    }

    @Test
    void eventsBetweenRepliesAreKeptForALaterWaiter() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            CompletableFuture<JsonNode> r = async(() -> qmp.execute("device_del"));
            JsonNode cmd = qemu.nextCommand();
            qemu.event("DEVICE_DELETED", "{\"path\": \"/machine/peripheral/other\", \"device\": \"other\"}");
            qemu.event("DEVICE_DELETED", "{\"path\": \"/machine/peripheral/net1\", \"device\": \"net1\"}");
            qemu.reply(cmd, "{}");
            r.get();
            QmpEvent e = qmp.awaitEvent("DEVICE_DELETED for net1", ev -> ev.isDeviceDeleted("net1"), Duration.ofSeconds(1));
            assertEquals("/machine/peripheral/net1", e.dataText("path"));
            assertEquals(1_700_000_000_000_005L, e.timestampMicros());
            // taken once: a second wait for the same event does not see it again
            assertThrows(HostdevException.class,
                    () -> qmp.awaitEvent("DEVICE_DELETED for net1", ev -> ev.isDeviceDeleted("net1"), Duration.ofMillis(100)));
            assertEquals(1, qmp.backlog().size(), "the unrelated event stays in the backlog");
        }
    }

    @Test
    void aWaiterRegisteredFirstGetsTheEventWhenItComes() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            CompletableFuture<QmpEvent> w = async(
                    () -> qmp.awaitEvent("DEVICE_DELETED for usb1", ev -> ev.isDeviceDeleted("usb1"), Duration.ofSeconds(3)));
            Thread.sleep(100);
            qemu.event("RESUME", "{}");
            qemu.event("DEVICE_DELETED", "{\"device\": \"usb1\"}");
            assertEquals("usb1", w.get().dataText("device"));
            assertEquals("RESUME", qmp.backlog().get(0).name());
        }
    }

    @Test
    void qemuErrorsKeepTheirClassAndDescriptionVerbatim() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            CompletableFuture<JsonNode> r = async(() -> qmp.execute("device_add"));
            qemu.error(qemu.nextCommand(), "GenericError", "Bus 'pcie.0' does not support hotplugging");
            QmpCommandException e = (QmpCommandException) assertThrows(Exception.class, r::join).getCause();
            assertEquals("GenericError", e.errorClass());
            assertEquals("Bus 'pcie.0' does not support hotplugging", e.description());
            assertEquals(ErrorCode.QEMU, e.code());
            assertEquals("QEMU refused device_add: Bus 'pcie.0' does not support hotplugging (GenericError)", e.getMessage());
            assertTrue(qmp.isOpen(), "a refused command leaves the connection usable");
        }
    }

    @Test
    void eofMidCommandFailsTheCommandAndEveryLaterOne() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            CompletableFuture<JsonNode> r = async(() -> qmp.execute("query-status"));
            CompletableFuture<QmpEvent> w = async(
                    () -> qmp.awaitEvent("SHUTDOWN", ev -> ev.name().equals("SHUTDOWN"), Duration.ofSeconds(10)));
            qemu.nextCommand();
            long t0 = System.nanoTime();
            qemu.hangUp();
            HostdevException e = (HostdevException) assertThrows(Exception.class, r::join).getCause();
            assertEquals(ErrorCode.QMP, e.code());
            assertTrue(e.getMessage().contains("QEMU closed the QMP connection"), e.getMessage());
            assertTrue(e.getMessage().contains("'query-status'"), e.getMessage());
            HostdevException we = (HostdevException) assertThrows(Exception.class, w::join).getCause();
            assertTrue(we.getMessage().contains("SHUTDOWN"), we.getMessage());
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "EOF is reported at once, not at the timeout");
            HostdevException later = assertThrows(HostdevException.class, () -> qmp.execute("query-status"));
            assertEquals(ErrorCode.QMP, later.code());
            assertFalse(qmp.isOpen());
        }
    }

    @Test
    void eofInTheMiddleOfAMessageIsAnError() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            CompletableFuture<JsonNode> r = async(() -> qmp.execute("query-status"));
            qemu.nextCommand();
            qemu.sendRaw("{\"return\": {\"sta".getBytes(StandardCharsets.UTF_8));
            qemu.hangUp();
            HostdevException e = (HostdevException) assertThrows(Exception.class, r::join).getCause();
            assertTrue(e.getMessage().contains("in the middle of a message"), e.getMessage());
        }
    }

    @Test
    void garbageBreaksTheConnectionWithAClearError() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            CompletableFuture<JsonNode> r = async(() -> qmp.execute("query-status"));
            qemu.nextCommand();
            qemu.send("SeaBIOS (version 1.16.2) \u0001\u0002 not json");
            HostdevException e = (HostdevException) assertThrows(Exception.class, r::join).getCause();
            assertEquals(ErrorCode.QMP, e.code());
            assertTrue(e.getMessage().contains("not a QMP message") && e.getMessage().contains("SeaBIOS"), e.getMessage());
        }
    }

    @Test
    void aJsonValueThatIsNotAnObjectIsGarbageToo() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            CompletableFuture<JsonNode> r = async(() -> qmp.execute("query-status"));
            qemu.nextCommand();
            qemu.send("[1, 2, 3]");
            HostdevException e = (HostdevException) assertThrows(Exception.class, r::join).getCause();
            assertTrue(e.getMessage().contains("not a QMP message"), e.getMessage());
        }
    }

    @Test
    void anOversizedMessageIsRefusedNotBuffered() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST.withMaxMessageBytes(4096))) {
            CompletableFuture<JsonNode> r = async(() -> qmp.execute("query-qmp-schema"));
            qemu.nextCommand();
            byte[] big = new byte[10_000];
            Arrays.fill(big, (byte) 'x');
            qemu.sendRaw(big);
            HostdevException e = (HostdevException) assertThrows(Exception.class, r::join).getCause();
            assertTrue(e.getMessage().contains("larger than 4096 bytes"), e.getMessage());
        }
    }

    @Test
    void aSlowReplyWithinTheTimeoutIsFine() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            CompletableFuture<JsonNode> r = async(
                    () -> qmp.execute("query-status", null, Duration.ofSeconds(2)));
            JsonNode cmd = qemu.nextCommand();
            Thread.sleep(400);
            qemu.reply(cmd, "{\"status\": \"running\"}");
            assertEquals("running", r.get().get("status").asText());
        }
    }

    @Test
    void aReplyPastTheTimeoutIsATimeoutAndTheLateReplyIsDropped() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            CompletableFuture<JsonNode> r = async(
                    () -> qmp.execute("query-status", null, Duration.ofMillis(200)));
            JsonNode late = qemu.nextCommand();
            HostdevException e = (HostdevException) assertThrows(Exception.class, r::join).getCause();
            assertEquals(ErrorCode.TIMEOUT, e.code());
            assertEquals("QEMU did not answer 'query-status' within 0.200 s on " + qemu.socket(), e.getMessage());
            qemu.reply(late, "\"late\"");
            CompletableFuture<JsonNode> next = async(() -> qmp.execute("query-name"));
            JsonNode fresh = qemu.nextCommand();
            assertTrue(fresh.has("id"), "once a command without an id went unanswered, every command carries one");
            qemu.reply(fresh, "\"fresh\"");
            assertEquals("fresh", next.get().asText(), "the late reply is not taken for the next command");
        }
    }

    @Test
    void noGreetingIsATimeoutNamingTheSocket() throws Exception {
        try (FakeQmpServer qemu = new FakeQmpServer(dir.resolve("qmp.sock"), false, true)) {
            HostdevException e = assertThrows(HostdevException.class,
                    () -> QmpClient.connect(qemu.socket(), FAST.withCommandTimeout(Duration.ofMillis(300))));
            assertEquals(ErrorCode.TIMEOUT, e.code());
            assertTrue(e.getMessage().contains("no QMP greeting on " + qemu.socket()), e.getMessage());
        }
    }

    @Test
    void aFirstMessageThatIsNotAGreetingIsRejected() throws Exception {
        try (FakeQmpServer qemu = new FakeQmpServer(dir.resolve("qmp.sock"), false, true)) {
            CompletableFuture<QmpClient> c = async(() -> QmpClient.connect(qemu.socket(), FAST));
            qemu.send("{\"return\": {}}");
            HostdevException e = (HostdevException) assertThrows(Exception.class, c::join).getCause();
            assertTrue(e.getMessage().contains("is not a QMP greeting"), e.getMessage());
        }
    }

    @Test
    void nothingListeningIsAClearError() {
        HostdevException e = assertThrows(HostdevException.class, () -> QmpClient.connect(dir.resolve("none.sock"), FAST));
        assertEquals(ErrorCode.QMP, e.code());
        assertTrue(e.getMessage().startsWith("cannot connect to the QMP socket " + dir.resolve("none.sock")), e.getMessage());
    }

    @Test
    void theTranscriptHasEveryMessageBothWays() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST.withTranscript(lines::add))) {
            CompletableFuture<JsonNode> r = async(() -> qmp.execute("query-status"));
            qemu.reply(qemu.nextCommand(), "{}");
            r.get();
        }
        assertTrue(lines.get(0).startsWith("<- {\"QMP\""), lines.toString());
        assertTrue(lines.get(1).startsWith("-> {\"execute\":\"qmp_capabilities\""), lines.toString());
        assertTrue(lines.get(2).startsWith("<- {\"return\": {}"), lines.toString());
        assertTrue(lines.get(3).startsWith("-> {\"execute\":\"query-status\""), lines.toString());
        assertTrue(lines.get(4).startsWith("<- {\"return\": {}"), lines.toString());
    }

    @Test
    void theBacklogIsBounded() throws Exception {
        try (FakeQmpServer qemu = FakeQmpServer.standard(dir);
             QmpClient qmp = QmpClient.connect(qemu.socket(), FAST)) {
            StringBuilder many = new StringBuilder();
            for (int i = 0; i < QmpClient.EVENT_BACKLOG + 10; i++) {
                many.append("{\"event\": \"E").append(i).append("\", \"data\": {}}\r\n");
            }
            qemu.sendRaw(many.toString().getBytes(StandardCharsets.UTF_8));
            String lastName = "E" + (QmpClient.EVENT_BACKLOG + 9);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (qmp.backlog().stream().noneMatch(e -> e.name().equals(lastName)) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(QmpClient.EVENT_BACKLOG, qmp.backlog().size());
            assertEquals("E10", qmp.backlog().get(0).name(), "the oldest events were dropped");
        }
    }
}
