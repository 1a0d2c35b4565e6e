package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.qmp.QmpClient;
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
 */
public final class ShutdownListener implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);

    private final ProcessIdentity qemu;
    private final QmpClient qmp;

    private ShutdownListener(ProcessIdentity qemu, QmpClient qmp) {
        this.qemu = qemu;
        this.qmp = qmp;
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
                try {
                    return new ShutdownListener(qemu, QmpClient.connect(dir.supervisorSocket(), QmpOptions.defaults()));
                } catch (HostdevException e) {
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
        return new ShutdownListener(qemu, null);
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
        Optional<VmEnd> heard = (qmp == null ? Optional.<QmpEvent>empty() : awaitShutdownEvent()).map(VmEnd::ofShutdownEvent);
        heard.ifPresent(onShutdown);
        while (qemu != null && qemu.isAlive()) {
            Thread.sleep(20);
        }
        return heard.orElseGet(VmEnd::withoutShutdownEvent);
    }

    private Optional<QmpEvent> awaitShutdownEvent() {
        while (true) {
            try {
                return Optional.of(qmp.awaitEvent("SHUTDOWN", e -> e.name().equals("SHUTDOWN"), POLL));
            } catch (HostdevException e) {
                if (e.code() != ErrorCode.TIMEOUT) {
                    return Optional.empty(); // the monitor closed without the event: QEMU was killed or crashed
                }
                if (!qemu.isAlive()) {
                    // gone while the connection still looks open: take an event that may have come meanwhile
                    return qmp.backlog().stream().filter(ev -> ev.name().equals("SHUTDOWN")).findFirst();
                }
            }
        }
    }

    @Override
    public void close() {
        if (qmp != null) {
            qmp.close();
        }
    }
}
