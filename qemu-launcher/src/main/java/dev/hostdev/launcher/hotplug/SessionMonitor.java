package dev.hostdev.launcher.hotplug;

import dev.hostdev.launcher.qmp.QemuMonitor;
import java.util.function.Supplier;

/**
 * The monitor one attach or unplug talks over: the {@link HotplugSession}'s, left open when done, or a connection of
 * its own, closed when done (the commands).
 */
final class SessionMonitor implements AutoCloseable {
    private final QemuMonitor monitor;
    private final boolean owned;

    private SessionMonitor(QemuMonitor monitor, boolean owned) {
        this.monitor = monitor;
        this.owned = owned;
    }

    /** The session's monitor, or, with no session, a new connection from {@code connect}. */
    static SessionMonitor of(HotplugSession session, Supplier<QemuMonitor> connect) {
        return session == null ? new SessionMonitor(connect.get(), true) : new SessionMonitor(session.monitor(), false);
    }

    QemuMonitor monitor() {
        return monitor;
    }

    @Override
    public void close() {
        if (owned) {
            monitor.close();
        }
    }
}
