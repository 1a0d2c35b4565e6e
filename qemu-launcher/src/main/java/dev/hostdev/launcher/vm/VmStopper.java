package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/**
 * Ends a VM as libvirt's shutdown then destroy would: ACPI {@code system_powerdown} (the guest may
 * shut down cleanly), QMP {@code quit} once the timeout passes, SIGKILL if QEMU is still there; then
 * waits for the supervisor to give managed devices back, or does it itself when no supervisor runs.
 * A VM whose QEMU has already ended is only cleaned up (idempotent): its recorded end says how it ended.
 */
public final class VmStopper {
    /** How long QEMU gets to exit after {@code quit} before SIGKILL. */
    static final Duration QUIT_GRACE = Duration.ofSeconds(5);
    /** How long the supervisor gets to clean up after QEMU ended. */
    static final Duration SUPERVISOR_GRACE = Duration.ofSeconds(30);

    private final VmRuntimeDir dir;
    private final ManagedDevices managed;
    private final PrintWriter out;
    private final PrintWriter verbose;

    /**
     * @param out     where progress goes
     * @param verbose where {@code -v} shows QMP messages, or {@code null}
     */
    public VmStopper(VmRuntimeDir dir, ManagedDevices managed, PrintWriter out, PrintWriter verbose) {
        this.dir = dir;
        this.managed = managed;
        this.out = out;
        this.verbose = verbose;
    }

    /** How QEMU ended. */
    public enum How {
        /** It was not running (already ended; only cleaned up). */
        ALREADY_ENDED,
        /** The guest powered off after system_powerdown. */
        POWERDOWN,
        /** QEMU quit on QMP {@code quit}. */
        QUIT,
        /** QEMU was killed with SIGKILL. */
        SIGKILL
    }

    /** The outcome of a stop. */
    public record Result(How how, VmRecord record, Duration took) {
    }

    /**
     * Stops the VM.
     *
     * @param timeout how long the guest gets to power off after system_powerdown
     * @param force   skip system_powerdown: quit at once
     */
    public Result stop(Duration timeout, boolean force) {
        long t0 = System.nanoTime();
        VmRecord r;
        try (VmRuntimeDir.Lock lock = dir.lock("stop", Duration.ofSeconds(10))) {
            r = dir.require();
            if (r.qemuAlive()) {
                dir.write(r.withState(VmState.STOPPING));
            }
            // QEMU already gone: not marked stopping, so the cleanup records how it really ended (a crash stays a crash)
        }
        How how = r.qemuAlive() ? end(r, timeout, force) : How.ALREADY_ENDED;
        VmRecord after = awaitCleanup(r);
        return new Result(how, after, Duration.ofNanos(System.nanoTime() - t0));
    }

    private How end(VmRecord r, Duration timeout, boolean force) {
        ProcessIdentity qemu = r.qemu();
        ProcessHandle handle = qemu.handle().orElse(null);
        if (handle == null) {
            return How.ALREADY_ENDED;
        }
        try (QmpClient qmp = VmQmp.connect(dir, verbose, Duration.ofSeconds(5))) {
            if (!force) {
                out.println("asking the guest to power off (system_powerdown), waiting up to " + timeout.toSeconds() + " s");
                out.flush();
                qmp.execute("system_powerdown");
                if (awaitPowerOff(qemu, qmp, timeout)) {
                    recordHeardEnd(qmp);
                    return How.POWERDOWN;
                }
                out.println("the guest did not power off within " + timeout.toSeconds() + " s: quitting QEMU");
                out.flush();
            }
            try {
                qmp.execute("quit");
            } catch (HostdevException e) {
                if (qemu.isAlive()) {
                    throw e;
                }
            }
            recordHeardEnd(qmp);
        } catch (HostdevException e) {
            out.println("QMP failed (" + e.getMessage() + "): killing QEMU");
        }
        if (waitExit(qemu, QUIT_GRACE)) {
            return How.QUIT;
        }
        out.println("QEMU pid " + qemu.pid() + " did not exit within " + QUIT_GRACE.toSeconds() + " s of quit: SIGKILL");
        handle.destroyForcibly();
        if (!waitExit(qemu, QUIT_GRACE)) {
            throw new HostdevException(ErrorCode.TIMEOUT, "QEMU pid " + qemu.pid() + " of VM " + r.name() + " survived SIGKILL for "
                    + QUIT_GRACE.toSeconds() + " s", "it may be stuck in the kernel (D state); see 'cat /proc/" + qemu.pid() + "/stack'");
        }
        return How.SIGKILL;
    }

    /**
     * Waits for the guest to power off: QEMU gone, or paused in the {@code shutdown} state (it runs with
     * {@code -action shutdown=pause} until the supervisor listens), in which case it is told to quit.
     */
    private static boolean awaitPowerOff(ProcessIdentity qemu, QmpClient qmp, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (qemu.isAlive()) {
            if (ShutdownListener.heardShutdown(qmp).isPresent() && ShutdownListener.isShutDown(qmp)) {
                ShutdownListener.quit(qmp);
                return waitExit(qemu, QUIT_GRACE);
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep();
        }
        return true;
    }

    /**
     * Records the end from the SHUTDOWN event this connection heard, unless one is recorded already:
     * the supervisor, which vm start does not wait for, may not have been listening yet.
     */
    private void recordHeardEnd(QmpClient qmp) {
        Optional<QmpEvent> event = ShutdownListener.heardShutdown(qmp);
        if (event.isEmpty()) {
            return;
        }
        try (VmRuntimeDir.Lock lock = dir.lock("record the end", Duration.ofSeconds(10))) {
            VmRecord r = dir.require();
            if (r.ended() == null && r.state().hasProcess()) {
                dir.write(r.withEnded(VmEnd.ofShutdownEvent(event.get())));
            }
        }
    }

    private VmRecord awaitCleanup(VmRecord r) {
        if (r.supervisor() != null && r.supervisor().isAlive()) {
            if (waitExit(r.supervisor(), SUPERVISOR_GRACE)) {
                VmRecord after = dir.require();
                if (!after.state().hasProcess() && after.managed().isEmpty()) {
                    return after;
                }
            }
        }
        return new VmCleanup(dir, managed, out).afterExit();
    }

    private static boolean waitExit(ProcessIdentity p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (p.isAlive()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            if (!sleep()) {
                return !p.isAlive();
            }
        }
        return true;
    }

    /** Sleeps a poll interval; false when interrupted. */
    private static boolean sleep() {
        try {
            Thread.sleep(20);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
