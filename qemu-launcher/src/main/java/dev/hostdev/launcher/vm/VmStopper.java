package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.qmp.QmpEvent;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;

/**
 * Ends a VM as libvirt's shutdown then destroy would: ACPI {@code system_powerdown} (the guest may
 * shut down cleanly), QMP {@code quit} once the timeout passes, SIGTERM if QEMU is still there (or its
 * monitor does not answer), SIGKILL last; then gives managed devices back itself, without waiting for the
 * VM's supervisor (whose clean-up then finds nothing to do). A VM whose QEMU has already ended is only cleaned up
 * (idempotent): its recorded end says how it ended. The plan ({@link #plan}) names the same steps and
 * timeouts the real stop uses, and the result says which steps were really taken.
 */
public final class VmStopper {
    /** How long QEMU gets to exit after {@code quit} before SIGTERM. */
    public static final Duration QUIT_GRACE = Duration.ofSeconds(5);
    /** How long QEMU gets to exit after SIGTERM before SIGKILL. */
    public static final Duration TERM_GRACE = Duration.ofSeconds(5);
    /** How long a SIGKILLed QEMU gets to be gone (longer: it is stuck in the kernel). */
    public static final Duration KILL_GRACE = Duration.ofSeconds(5);
    /**
     * How long {@code vm stop} waits, once QEMU is gone, for its waiter (a shell whose command line still holds QEMU's
     * arguments, so that the host guard would count it as a QEMU holding the VM's devices) to hand over to its clean-up.
     */
    public static final Duration WAITER_GRACE = Duration.ofSeconds(5);
    /** How long each QMP command may take. */
    static final Duration QMP_TIMEOUT = Duration.ofSeconds(5);

    private final RunningVm vm;
    private final PrintWriter out;

    /**
     * @param out where progress goes
     */
    public VmStopper(RunningVm vm, PrintWriter out) {
        this.vm = vm;
        this.out = out;
    }

    /** How QEMU ended. */
    public enum How {
        /** It was not running (already ended; only cleaned up). */
        ALREADY_ENDED,
        /** The guest powered off after system_powerdown. */
        POWERDOWN,
        /** QEMU quit on QMP {@code quit}. */
        QUIT,
        /** QEMU exited on SIGTERM. */
        SIGTERM,
        /** QEMU was killed with SIGKILL. */
        SIGKILL
    }

    /**
     * The outcome of a stop.
     *
     * @param did what was really done, in order, one sentence each (with the timeouts used)
     */
    public record Result(How how, VmRecord record, Duration took, java.util.List<String> did) {
        /** Copies the list. */
        public Result {
            did = java.util.List.copyOf(did);
        }
    }

    /**
     * The plan of a stop: the same checks (the VM is known) and the same steps and timeouts as {@link #stop}.
     *
     * @param timeout how long the guest gets to power off after system_powerdown
     * @param force   skip system_powerdown: quit at once
     */
    public VmOperationPlan plan(Duration timeout, boolean force) {
        VmRecord r = vm.record();
        java.util.List<PlanStep> steps = new java.util.ArrayList<>();
        steps.add(new PlanStep.Checked("VM " + r.name() + " is " + r.effectiveState().jsonName()
                + (r.qemuAlive() ? " (QEMU pid " + r.qemu().pid() + ")" : ": only cleaned up")));
        if (r.qemuAlive()) {
            long pid = r.qemu().pid();
            if (!force) {
                steps.add(new PlanStep.Qmp(QmpCall.systemPowerdown(), null));
                steps.add(new PlanStep.Wait("the guest to power off", timeout, "quit QEMU"));
            }
            steps.add(new PlanStep.Qmp(QmpCall.quit(), null));
            steps.add(new PlanStep.Wait("QEMU pid " + pid + " to exit", QUIT_GRACE, "SIGTERM pid " + pid
                    + " (also at once if its monitor does not answer)"));
            steps.add(new PlanStep.Wait("QEMU pid " + pid + " to exit after SIGTERM", TERM_GRACE, "SIGKILL pid " + pid));
            steps.add(new PlanStep.Wait("QEMU pid " + pid + " to be gone after SIGKILL", KILL_GRACE, "fail: it is stuck in the kernel"));
        }
        if (r.supervisor() != null && r.supervisor().isAlive()) {
            steps.add(new PlanStep.Wait("the waiter (pid " + r.supervisor().pid() + ") to hand over to its clean-up once QEMU is gone",
                    WAITER_GRACE, "go on (its command line still names the VM's devices until it does)"));
        }
        for (String host : r.managed()) {
            steps.add(new PlanStep.SysfsWrites("give " + host + " back to its host driver",
                    vm.managed().reattach(java.util.List.of(dev.hostdev.engine.pci.PciAddress.parse(host)), true).writes()));
        }
        return new VmOperationPlan("vm stop " + r.name(), steps);
    }

    /**
     * Stops the VM.
     *
     * @param timeout how long the guest gets to power off after system_powerdown
     * @param force   skip system_powerdown: quit at once
     */
    public Result stop(Duration timeout, boolean force) {
        long t0 = System.nanoTime();
        VmRecord r = markStopping();
        java.util.List<String> did = new java.util.ArrayList<>();
        How how = r.qemuAlive() ? end(r, timeout, force, did) : How.ALREADY_ENDED;
        awaitWaiterHandover(r, did);
        VmRecord after = awaitCleanup(r, did);
        return new Result(how, after, Duration.ofNanos(System.nanoTime() - t0), did);
    }

    /**
     * The steps of {@link #stop} that end QEMU, without the cleanup: for the process that watches QEMU itself
     * ({@code vm run}), which cleans up with the end it heard once QEMU is gone.
     *
     * @return how QEMU ended
     */
    public How endQemu(Duration timeout, boolean force) {
        VmRecord r = markStopping();
        return r.qemuAlive() ? end(r, timeout, force, new java.util.ArrayList<>()) : How.ALREADY_ENDED;
    }

    private VmRecord markStopping() {
        try (VmRuntimeDir.Lock lock = vm.dir().lock("stop", Duration.ofSeconds(10))) {
            VmRecord r = vm.record();
            if (r.qemuAlive()) {
                vm.dir().write(r.withState(VmState.STOPPING));
            }
            // QEMU already gone: not marked stopping, so the cleanup records how it really ended (a crash stays a crash)
            return r;
        }
    }

    private How end(VmRecord r, Duration timeout, boolean force, java.util.List<String> did) {
        ProcessIdentity qemu = r.qemu();
        ProcessHandle handle = qemu.handle().orElse(null);
        if (handle == null) {
            return How.ALREADY_ENDED;
        }
        boolean quitSent = false;
        boolean powerdownSent = false;
        try (QemuMonitor monitor = vm.monitor(QMP_TIMEOUT)) {
            if (!force) {
                say(did, "asked the guest to power off (system_powerdown), waiting up to " + PlanStep.seconds(timeout));
                monitor.systemPowerdown();
                powerdownSent = true;
                if (awaitPowerOff(qemu, monitor, timeout)) {
                    recordHeardEnd(monitor);
                    say(did, "the guest powered off");
                    return How.POWERDOWN;
                }
                say(did, "the guest did not power off within " + PlanStep.seconds(timeout) + ": quitting QEMU");
            }
            try {
                monitor.quit();
                quitSent = true;
                say(did, "sent quit, waiting up to " + PlanStep.seconds(QUIT_GRACE) + " for QEMU pid " + qemu.pid() + " to exit");
            } catch (HostdevException e) {
                if (qemu.isAlive()) {
                    throw e;
                }
            }
            recordHeardEnd(monitor);
        } catch (HostdevException e) {
            if (powerdownSent && !quitSent && waitExit(qemu, QUIT_GRACE)) {
                // the monitor closed because QEMU exited: the power-off it was asked for (the recorded end says how)
                say(did, "QEMU exited after system_powerdown (its monitor closed)");
                return How.POWERDOWN;
            }
            say(did, "QMP failed (" + e.getMessage() + ")" + (quitSent ? "" : ": no quit was sent"));
        }
        if (quitSent && waitExit(qemu, QUIT_GRACE)) {
            return How.QUIT;
        }
        say(did, (quitSent ? "QEMU pid " + qemu.pid() + " did not exit within " + PlanStep.seconds(QUIT_GRACE) + " of quit: " : "")
                + "sent SIGTERM to QEMU pid " + qemu.pid() + ", waiting up to " + PlanStep.seconds(TERM_GRACE));
        handle.destroy();
        if (waitExit(qemu, TERM_GRACE)) {
            return How.SIGTERM;
        }
        say(did, "QEMU pid " + qemu.pid() + " did not exit within " + PlanStep.seconds(TERM_GRACE) + " of SIGTERM: sent SIGKILL");
        handle.destroyForcibly();
        if (!waitExit(qemu, KILL_GRACE)) {
            throw new HostdevException(ErrorCode.TIMEOUT, "QEMU pid " + qemu.pid() + " of VM " + r.name() + " survived SIGKILL for "
                    + PlanStep.seconds(KILL_GRACE), "it may be stuck in the kernel (D state); see 'cat /proc/" + qemu.pid() + "/stack'");
        }
        return How.SIGKILL;
    }

    private void say(java.util.List<String> did, String line) {
        did.add(line);
        out.println(line);
        out.flush();
    }

    /**
     * Waits for the guest to power off: QEMU gone, or paused in the {@code shutdown} state (it runs with
     * {@code -action shutdown=pause} until the supervisor listens), in which case it is told to quit.
     */
    private static boolean awaitPowerOff(ProcessIdentity qemu, QemuMonitor monitor, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (qemu.isAlive()) {
            if (monitor.heardShutdown().isPresent() && monitor.queryStatus().shutDown()) {
                ShutdownListener.quit(monitor);
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
    private void recordHeardEnd(QemuMonitor monitor) {
        Optional<QmpEvent> event = monitor.heardShutdown();
        if (event.isEmpty()) {
            return;
        }
        try (VmRuntimeDir.Lock lock = vm.dir().lock("record the end", Duration.ofSeconds(10))) {
            VmRecord r = vm.record();
            if (r.ended() == null && r.state().hasProcess()) {
                vm.dir().write(r.withEnded(VmEnd.ofShutdownEvent(event.get())));
            }
        }
    }

    /**
     * Until the waiter has exec'd its clean-up (or ended), its command line holds QEMU's, and the host guard, which
     * finds QEMUs by their command lines, would still count the VM's devices as held: a start that follows this stop at
     * once would be refused. The waiter is woken by QEMU's exit, so this is a scheduling delay, not a wait for work.
     */
    private void awaitWaiterHandover(VmRecord r, java.util.List<String> did) {
        ProcessIdentity waiter = r.supervisor();
        if (waiter != null && waiter.isAlive() && !waitExit(waiter, WAITER_GRACE)) {
            say(did, "the waiter (pid " + waiter.pid() + ") has not handed over to its clean-up within " + PlanStep.seconds(WAITER_GRACE)
                    + ": until it does, its command line still names the VM's devices");
        }
    }

    /**
     * Cleans up here, at once, rather than wait for the VM's supervisor: its clean-up is a JVM that starts only once QEMU
     * has ended, and finds nothing left to do when this one has been first (both run under the VM's lock). The end is
     * the one recorded (the SHUTDOWN event this stop heard), else the reason QEMU traced for its shutdown.
     */
    private VmRecord awaitCleanup(VmRecord r, java.util.List<String> did) {
        return new VmCleanup(vm.dir(), vm.managed(), out).afterExit(ExitReason.traced(vm.dir()).orElse(null));
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
