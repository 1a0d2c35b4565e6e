package dev.hostdev.launcher.vm;

import com.sun.jna.LastErrorException;
import dev.hostdev.engine.posix.Posix;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The service manager's readiness protocol ({@code sd_notify(3)}), without libsystemd: when
 * {@code NOTIFY_SOCKET} is set (systemd sets it for a {@code Type=notify} unit), each message is one
 * datagram of {@code KEY=value} lines sent to that {@code AF_UNIX} socket, a path or an abstract name
 * written {@code @name}. Unset, every message is dropped. A message that cannot be sent is reported and
 * never stops the VM: systemd then times the start out by itself and says so.
 */
public final class SdNotify {
    /** The variable the service manager sets. */
    public static final String VARIABLE = "NOTIFY_SOCKET";

    private final String socket;
    private final PrintWriter warnings;

    private SdNotify(String socket, PrintWriter warnings) {
        this.socket = socket;
        this.warnings = warnings;
    }

    /**
     * From the environment: notifies the socket {@code NOTIFY_SOCKET} names, or nothing when it is unset or empty.
     *
     * @param warnings where a message that cannot be sent is reported
     */
    public static SdNotify fromEnvironment(Map<String, String> env, PrintWriter warnings) {
        String s = env.get(VARIABLE);
        return new SdNotify(s == null || s.isEmpty() ? null : s, warnings);
    }

    /** The socket messages go to, or {@code null} when none. */
    public String socket() {
        return socket;
    }

    /** Whether a service manager listens. */
    public boolean enabled() {
        return socket != null;
    }

    /** {@code READY=1} with a status line: the service has started. */
    public boolean ready(String status) {
        return send("READY=1\nSTATUS=" + oneLine(status) + "\n");
    }

    /** {@code STATUS=…}: a line systemctl status shows. */
    public boolean status(String status) {
        return send("STATUS=" + oneLine(status) + "\n");
    }

    /** {@code STOPPING=1} with a status line: the service is stopping. */
    public boolean stopping(String status) {
        return send("STOPPING=1\nSTATUS=" + oneLine(status) + "\n");
    }

    /**
     * Sends one message (newline-separated {@code KEY=value} assignments) as one datagram.
     *
     * @return whether it was sent; false when no socket is set or sending failed (reported)
     */
    public boolean send(String message) {
        if (socket == null) {
            return false;
        }
        int fd = -1;
        try {
            fd = Posix.unixDatagramSocket();
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            long sent = Posix.sendToUnix(fd, bytes, socket);
            if (sent != bytes.length) {
                warn("sent " + sent + " of " + bytes.length + " bytes");
                return false;
            }
            return true;
        } catch (LastErrorException e) {
            warn(Posix.strerror(e.getErrorCode()));
            return false;
        } catch (IllegalArgumentException e) {
            warn(e.getMessage());
            return false;
        } finally {
            if (fd >= 0) {
                Posix.closeQuietly(fd);
            }
        }
    }

    private void warn(String why) {
        warnings.println("warning: cannot notify the service manager on " + VARIABLE + "=" + socket + ": " + why);
        warnings.flush();
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ');
    }
}
