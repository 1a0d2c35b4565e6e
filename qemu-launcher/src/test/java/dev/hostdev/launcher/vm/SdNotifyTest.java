package dev.hostdev.launcher.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify messages reach a datagram socket bound as systemd binds its own: a path, or an abstract name. */
class SdNotifyTest {
    @TempDir
    Path tmp;

    private final StringWriter warnings = new StringWriter();

    private SdNotify notifyTo(String socket) {
        return SdNotify.fromEnvironment(socket == null ? Map.of() : Map.of(SdNotify.VARIABLE, socket), new PrintWriter(warnings, true));
    }

    @Test
    void readyStatusAndStoppingArriveAsOneDatagramEachOnAPathSocket() throws Exception {
        try (NotifySocketListener listener = NotifySocketListener.bind(tmp.resolve("notify").toString())) {
            SdNotify n = notifyTo(listener.name());
            assertTrue(n.enabled());
            assertTrue(n.ready("VM a running\n(QEMU pid 1)"));
            assertTrue(n.status("still"));
            assertTrue(n.stopping("bye"));
            listener.await(m -> m.startsWith("STOPPING=1"), Duration.ofSeconds(5), "STOPPING=1");
            assertEquals(List.of("READY=1\nSTATUS=VM a running (QEMU pid 1)\n", "STATUS=still\n", "STOPPING=1\nSTATUS=bye\n"),
                    listener.messages());
        }
        assertEquals("", warnings.toString());
    }

    @Test
    void anAbstractSocketIsWrittenWithAnAt() throws Exception {
        String name = "@hostdev-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NotifySocketListener listener = NotifySocketListener.bind(name)) {
            assertTrue(notifyTo(name).ready("up"));
            assertEquals("READY=1\nSTATUS=up\n", listener.await(m -> m.contains("READY=1"), Duration.ofSeconds(5), "READY=1"));
        }
    }

    @Test
    void withoutNotifySocketNothingIsSentAndNothingIsSaid() {
        SdNotify n = notifyTo(null);
        assertFalse(n.enabled());
        assertFalse(n.ready("up"));
        assertFalse(notifyTo("").enabled(), "an empty NOTIFY_SOCKET is unset");
        assertEquals("", warnings.toString());
    }

    @Test
    void aSocketNobodyListensOnIsReportedNotThrown() {
        String missing = tmp.resolve("nobody").toString();
        assertFalse(notifyTo(missing).ready("up"));
        assertTrue(warnings.toString().contains("cannot notify the service manager on NOTIFY_SOCKET=" + missing + ": No such file or directory"),
                warnings.toString());
    }

    @Test
    void aNameTooLongForSunPathIsReportedNotThrown() {
        String tooLong = "/" + "x".repeat(200);
        assertFalse(notifyTo(tooLong).ready("up"));
        assertTrue(warnings.toString().contains("not a usable Unix socket name"), warnings.toString());
    }
}
