package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hostdev.launcher.qmp.FakeQmpServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor's listener against a scripted monitor: a guest power-off before it listens (QEMU paused
 * by {@code -action shutdown=pause}) is recorded as such and QEMU told to quit; otherwise the usual
 * action is restored and the SHUTDOWN event's reason recorded. A {@code sleep} stands for QEMU's process.
 */
@Timeout(30)
class ShutdownListenerTest {
    @TempDir
    Path tmp;

    private VmRuntimeDir dir;
    private Process qemu;
    private final StringWriter log = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        dir = new VmRuntimeDir(tmp, "vm");
        dir.create();
        qemu = new ProcessBuilder("sleep", "60").start();
    }

    @AfterEach
    void killTheStandIn() {
        qemu.destroyForcibly();
    }

    private CompletableFuture<VmEnd> listen() {
        return CompletableFuture.supplyAsync(() -> {
            try (ShutdownListener l = ShutdownListener.connect(dir, ProcessIdentity.of(qemu.toHandle()), Duration.ofSeconds(10),
                    new PrintWriter(log, true))) {
                assertTrue(l.listening(), log.toString());
                return l.awaitEnd(end -> { });
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private void qemuExits() throws InterruptedException {
        qemu.destroy();
        qemu.waitFor(5, TimeUnit.SECONDS);
    }

    @Test
    void aGuestThatPoweredOffBeforeAnyoneListenedIsAGuestShutdownAndQemuIsToldToQuit() throws Exception {
        try (FakeQmpServer server = new FakeQmpServer(dir.supervisorSocket(), true, true)) {
            CompletableFuture<VmEnd> end = listen();
            JsonNode status = server.nextCommand();
            assertEquals("query-status", status.path("execute").asText());
            server.reply(status, "{\"status\":\"shutdown\",\"running\":false}");
            JsonNode quit = server.nextCommand();
            assertEquals("quit", quit.path("execute").asText(), "QEMU, paused at the power-off, is told to quit");
            server.reply(quit, "{}");
            qemuExits();
            VmEnd e = end.get(10, TimeUnit.SECONDS);
            assertEquals("guest-shutdown", e.reason());
            assertEquals(Boolean.TRUE, e.guest());
        }
    }

    @Test
    void otherwiseQemuIsToldToExitOnAPowerOffAndTheEventGivesTheReason() throws Exception {
        try (FakeQmpServer server = new FakeQmpServer(dir.supervisorSocket(), true, true)) {
            CompletableFuture<VmEnd> end = listen();
            JsonNode status = server.nextCommand();
            server.reply(status, "{\"status\":\"running\",\"running\":true}");
            JsonNode action = server.nextCommand();
            assertEquals("set-action", action.path("execute").asText());
            assertEquals("poweroff", action.path("arguments").path("shutdown").asText(), action.toString());
            server.reply(action, "{}");
            JsonNode again = server.nextCommand();
            assertEquals("query-status", again.path("execute").asText());
            server.reply(again, "{\"status\":\"running\",\"running\":true}");
            server.event("SHUTDOWN", "{\"guest\":false,\"reason\":\"host-signal\"}");
            qemuExits();
            VmEnd e = end.get(10, TimeUnit.SECONDS);
            assertEquals("host-signal", e.reason());
            assertNull(server.nextCommandOrNull(), "no quit: QEMU exits by itself once the action is poweroff");
        }
    }

    @Test
    void anEventReadOnlyAfterQemuIsSeenGoneIsStillHeard() throws Exception {
        try (FakeQmpServer server = new FakeQmpServer(dir.supervisorSocket(), true, true)) {
            CompletableFuture<VmEnd> end = listen();
            server.reply(server.nextCommand(), "{\"status\":\"running\",\"running\":true}");
            server.reply(server.nextCommand(), "{}");
            server.reply(server.nextCommand(), "{\"status\":\"running\",\"running\":true}");
            // as under heavy load: the listener's poll ends and finds QEMU gone before it has read the event QEMU wrote
            qemuExits();
            Thread.sleep(300);
            server.event("SHUTDOWN", "{\"guest\":true,\"reason\":\"guest-shutdown\"}");
            VmEnd e = end.get(10, TimeUnit.SECONDS);
            assertEquals("guest-shutdown", e.reason(), "the event was in the socket: not a crash");
        }
    }

    @Test
    void aPowerOffBetweenTheTwoCommandsIsCaughtByTheSecondLook() throws Exception {
        try (FakeQmpServer server = new FakeQmpServer(dir.supervisorSocket(), true, true)) {
            CompletableFuture<VmEnd> end = listen();
            server.reply(server.nextCommand(), "{\"status\":\"running\",\"running\":true}");
            JsonNode action = server.nextCommand();
            server.event("SHUTDOWN", "{\"guest\":true,\"reason\":\"guest-shutdown\"}");
            server.reply(action, "{}");
            JsonNode again = server.nextCommand();
            server.reply(again, "{\"status\":\"shutdown\",\"running\":false}");
            JsonNode quit = server.nextCommand();
            assertEquals("quit", quit.path("execute").asText(), quit.toString());
            server.reply(quit, "{}");
            qemuExits();
            VmEnd e = end.get(10, TimeUnit.SECONDS);
            assertEquals("guest-shutdown", e.reason());
            assertEquals(Boolean.TRUE, e.guest());
        }
    }
}
