package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QmpEvent;
import dev.hostdev.launcher.qmp.QmpOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Listens on QEMU's second monitor ({@code supervisor.sock}) for the {@code SHUTDOWN} event, which QEMU
 * sends just before it exits on a guest power-off, a QMP {@code quit} or a signal, with the reason. The
 * process that watches a VM is not QEMU's parent and cannot read its exit status: this event is how it
 * tells a clean end from a crash (QEMU gone without the event: SIGKILL, abort).
 *
 * <p>{@code vm start} does not wait for the listener: QEMU runs with {@code -action shutdown=pause}, so a
 * guest that powers off before anyone listens leaves QEMU paused in the {@code shutdown} state instead of
 * gone without a word. On connecting, the listener looks for that state and otherwise restores the
 * usual action (QEMU exits on a power-off); a VM found shut down is recorded as a guest power-off and
 * told to quit.
 */
public final class ShutdownListener implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long the last read after QEMU's exit may take: its socket then holds the event and an EOF, read at once. */
    private static final Duration LAST_READ = Duration.ofSeconds(1);

    private final ProcessIdentity qemu;
    private final QemuMonitor qmp;
    private final boolean shutDownBeforeListening;

    private ShutdownListener(ProcessIdentity qemu, QemuMonitor qmp, boolean shutDownBeforeListening) {
        this.qemu = qemu;
        this.qmp = qmp;
        this.shutDownBeforeListening = shutDownBeforeListening;
    }

    /**
     * Connects to the VM's supervisor socket, retrying while QEMU runs and the socket is not there yet.
     * Never fails: when it cannot connect (QEMU already gone, or an old VM without the socket) it says so
     * in {@code log} and the listener only watches the pid.
     *
     * @param wait how long to keep trying
     */
    public static ShutdownListener connect(VmRuntimeDir dir, ProcessIdentity qemu, Duration wait, PrintWriter log) {
        long deadline = System.nanoTime() + wait.toNanos();
        HostdevException last = null;
        while (qemu != null && qemu.isAlive() && System.nanoTime() < deadline) {
            if (Files.exists(dir.supervisorSocket())) {
                QemuMonitor qmp = null;
                try {
                    qmp = QemuMonitor.connect(dir.supervisorSocket(), QmpOptions.defaults());
                    return new ShutdownListener(qemu, qmp, takeOver(qmp, log));
                } catch (HostdevException e) {
                    if (qmp != null) {
                        qmp.close();
                    }
                    last = e;
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        log.println("not listening for QEMU's SHUTDOWN event on " + dir.supervisorSocket() + ": "
                + (qemu == null || !qemu.isAlive() ? "QEMU has already ended" : last == null ? "no socket" : last.getMessage())
                + "; its end will be recorded as " + VmEnd.NO_SHUTDOWN_EVENT + " unless the VM was being stopped");
        log.flush();
        return new ShutdownListener(qemu, null, false);
    }

    /**
     * Whether the guest had powered off before this listener connected (QEMU paused in the
     * {@code shutdown} state); if not, QEMU is told to exit on a power-off from now on.
     */
    private static boolean takeOver(QemuMonitor qmp, PrintWriter log) {
        if (isShutDown(qmp)) {
            return true;
        }
        qmp.setShutdownAction("poweroff"); // QemuMonitor refused a QEMU older than 6.0, which has no set-action
        // a power-off between the two commands paused QEMU: its SHUTDOWN event has been heard, but it waits
        return isShutDown(qmp);
    }

    /** Whether QEMU is paused in the {@code shutdown} state: the guest powered off under {@code -action shutdown=pause}. */
    static boolean isShutDown(QemuMonitor qmp) {
        return qmp.queryStatus().shutDown();
    }

    /** The SHUTDOWN event this connection has received and nobody took, if any. */
    static Optional<QmpEvent> heardShutdown(QemuMonitor qmp) {
        return qmp.heardShutdown();
    }

    /** Ends a QEMU left paused by a power-off (its shutdown action was pause); it may be ending already. */
    static void quit(QemuMonitor qmp) {
        try {
            qmp.quit();
        } catch (HostdevException e) {
            // gone meanwhile: what was wanted
        }
    }

    /** Whether it is connected to QEMU's monitor. */
    public boolean listening() {
        return qmp != null;
    }

    /**
     * Waits until QEMU has ended and says how: from its {@code SHUTDOWN} event, or
     * {@link VmEnd#withoutShutdownEvent()} when it ended without one (or the listener was not connected).
     *
     * @param onShutdown called as soon as the event is heard, while QEMU may still be finishing
     */
    public VmEnd awaitEnd(Consumer<VmEnd> onShutdown) throws InterruptedException {
        Optional<VmEnd> heard;
        if (shutDownBeforeListening) {
            heard = Optional.of(heardShutdown(qmp).map(VmEnd::ofShutdownEvent).orElseGet(VmEnd::pausedAtShutdown));
        } else {
            heard = (qmp == null ? Optional.<QmpEvent>empty() : awaitShutdownEvent()).map(VmEnd::ofShutdownEvent);
        }
        heard.ifPresent(onShutdown);
        if (shutDownBeforeListening) {
            quit(qmp);
        }
        while (qemu != null && qemu.isAlive()) {
            Thread.sleep(20);
        }
        return heard.orElseGet(VmEnd::withoutShutdownEvent);
    }

    private Optional<QmpEvent> awaitShutdownEvent() {
        while (true) {
            try {
                return Optional.of(qmp.awaitShutdown(POLL));
            } catch (HostdevException e) {
                if (e.code() != ErrorCode.TIMEOUT) {
                    return Optional.empty(); // the monitor closed without the event: QEMU was killed or crashed
                }
                if (!qemu.isAlive()) {
                    // gone while the connection still looks open: the event may wait unread in the socket (QEMU wrote it
                    // and exited after this poll's deadline passed): read what is left, up to the EOF of its exit
                    return lastEvent();
                }
            }
        }
    }

    /** The SHUTDOWN event still to be read from a monitor whose QEMU has ended (its EOF follows at once), if any. */
    private Optional<QmpEvent> lastEvent() {
        try {
            return Optional.of(qmp.awaitShutdown(LAST_READ));
        } catch (HostdevException e) {
            return heardShutdown(qmp);
        }
    }

    @Override
    public void close() {
        if (qmp != null) {
            qmp.close();
        }
    }
}
