package dev.hostdev.launcher.vm;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.qmp.QmpCall;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * {@code hostdev vm run}: a started VM kept in the foreground for a service manager. The process that
 * started QEMU watches it itself (it is QEMU's parent and reads its exit status; no supervisor): it tells
 * the service manager the VM is ready ({@link SdNotify}), and on a stop request (SIGTERM from
 * {@code systemctl stop}) it stops the VM as {@code vm stop} does ({@link VmStopper}: ACPI power-off, quit
 * after the stop timeout, then signals). However QEMU ends, the managed devices are given back
 * ({@link VmCleanup}) and the end is classified ({@link VmRunEnd}) for the exit status.
 */
public final class ServiceVm {
    /** How long the listener on QEMU's second monitor keeps trying to connect. */
    private static final Duration LISTEN_WAIT = Duration.ofSeconds(10);

    private final VmRuntimeDir dir;
    private final ManagedDevices managed;
    private final SdNotify notify;
    private final Duration stopTimeout;
    private final PrintWriter out;
    private final CountDownLatch stopRequested = new CountDownLatch(1);

    /**
     * @param stopTimeout how long the guest gets to power off after {@code system_powerdown} on a stop request
     * @param out         where progress goes
     */
    public ServiceVm(VmRuntimeDir dir, ManagedDevices managed, SdNotify notify, Duration stopTimeout, PrintWriter out) {
        this.dir = dir;
        this.managed = managed;
        this.notify = notify;
        this.stopTimeout = stopTimeout;
        this.out = out;
    }

    /**
     * The outcome of a run.
     *
     * @param end        how it ended, for the exit status
     * @param record     the VM's record after the cleanup
     * @param qemuEnd    how QEMU ended, as heard from its SHUTDOWN event (or none)
     * @param qemuStatus QEMU's exit status (a signal as 128 + its number)
     * @param stop       how the requested stop went, or {@code null} when none was requested
     * @param words      the end in words ({@link VmRunEnd#describe})
     */
    public record Outcome(VmRunEnd end, VmRecord record, VmEnd qemuEnd, int qemuStatus, VmStopper.How stop, String words) {
    }

    /**
     * Asks for the VM to be stopped (a signal handler calls it; any thread may, any number of times). A
     * request made before {@link #run} is kept: the VM is stopped as soon as it runs.
     */
    public void requestStop() {
        stopRequested.countDown();
    }

    /** Whether a stop was requested. */
    public boolean stopWasRequested() {
        return stopRequested.getCount() == 0;
    }

    /**
     * Tells the service manager the VM is ready, then waits until its QEMU ends (stopping it on request),
     * gives the managed devices back and says how it ended.
     *
     * @throws HostdevException when a managed device could not be given back (the record keeps it for {@code vm stop})
     */
    public Outcome run(VmStarter.Started started) throws InterruptedException {
        String name = started.record().name();
        long qemuPid = started.qemu().pid();
        CompletableFuture<VmStopper.How> stop = new CompletableFuture<>();
        // 'hostdev vm stop' from another process marks the record stopping before it acts: seen while waiting, or when the end is heard
        java.util.concurrent.atomic.AtomicBoolean stoppingWhenHeard = new java.util.concurrent.atomic.AtomicBoolean();
        Thread stopper = new Thread(() -> stopOnRequest(name, stop, stoppingWhenHeard), "stop VM " + name + " on request");
        stopper.setDaemon(true);
        VmEnd end;
        // ready once the end can be heard: listening on QEMU's second monitor, so every end after READY=1 has its reason
        try (ShutdownListener listener = ShutdownListener.connect(dir, started.record().qemu(), LISTEN_WAIT, out)) {
            notify.ready("VM " + name + " running (QEMU pid " + qemuPid + ")");
            out.println("VM " + name + " runs in the foreground (QEMU pid " + qemuPid + "); SIGTERM or Ctrl-C powers it off (up to "
                    + PlanStep.seconds(stopTimeout) + ", then quit), and managed devices are given back however it ends"
                    + (notify.enabled() ? "; notified READY=1 on " + notify.socket() : ""));
            out.flush();
            stopper.start();
            end = listener.awaitEnd(heard -> {
                notify.status("VM " + name + ": " + heard.describe());
                noticeStopping(stoppingWhenHeard);
                record(heard);
            });
        }
        while (started.qemu().isAlive()) {
            Thread.sleep(20);
        }
        int status = started.qemu().exitValue();
        boolean stoppedElsewhere = !stopWasRequested() && stoppingWhenHeard.get();
        VmStopper.How how = null;
        if (stopWasRequested()) {
            how = awaitStop(stop);
        } else {
            stopper.interrupt();
        }
        VmRecord after = new VmCleanup(dir, managed, out).afterExit(end);
        VmEnd recorded = after.ended() == null ? end : after.ended();
        VmRunEnd kind = VmRunEnd.of(recorded, status, how, stoppedElsewhere);
        String words = kind.describe(name, recorded, status, stoppedElsewhere ? null : stopTimeout);
        notify.status(words);
        return new Outcome(kind, after, recorded, status, how, words);
    }

    /**
     * The plan of {@code vm run}: the start's own plan ({@link StartPlan#describe()}) without the supervisor,
     * then what the foreground run does: notify, wait, stop on a signal with the same steps and timeouts as
     * {@link VmStopper}, give the managed devices back.
     */
    public static VmOperationPlan plan(StartPlan start, Duration stopTimeout, SdNotify notify) {
        String name = start.launch().spec().name();
        List<PlanStep> steps = new ArrayList<>(start.describe().steps());
        steps.removeIf(s -> s instanceof PlanStep.Action a && a.what().contains("vm supervise"));
        steps.add(new PlanStep.Action(notify.enabled()
                ? "notify the service manager on " + SdNotify.VARIABLE + "=" + notify.socket() + ": READY=1, STATUS=VM " + name + " running"
                : "notify no service manager (" + SdNotify.VARIABLE + " is not set)"));
        steps.add(new PlanStep.Action("stay in the foreground, listening for QEMU's SHUTDOWN event, until QEMU ends; on SIGTERM, "
                + "SIGINT or SIGHUP" + (notify.enabled() ? " (notify STOPPING=1)" : "") + ":"));
        steps.add(new PlanStep.Qmp(QmpCall.systemPowerdown(), null));
        steps.add(new PlanStep.Wait("the guest to power off", stopTimeout, "quit QEMU (exit status "
                + VmRunEnd.FORCED.exitStatus() + ")"));
        steps.add(new PlanStep.Qmp(QmpCall.quit(), null));
        steps.add(new PlanStep.Wait("QEMU to exit", VmStopper.QUIT_GRACE, "SIGTERM QEMU"));
        steps.add(new PlanStep.Wait("QEMU to exit after SIGTERM", VmStopper.TERM_GRACE, "SIGKILL QEMU"));
        steps.add(new PlanStep.Action("when QEMU has ended, however it ended: give the managed devices back to their host drivers"
                + (start.launch().managed().isEmpty() ? " (none)" : "")));
        steps.add(new PlanStep.Action("exit 0 if the guest powered off, " + VmRunEnd.FORCED.exitStatus() + " if forced off after the timeout, "
                + VmRunEnd.KILLED.exitStatus() + " if QEMU was killed, " + VmRunEnd.CRASHED.exitStatus() + " if it crashed"));
        return new VmOperationPlan("vm run " + name, steps);
    }

    /** Records the end as soon as it is heard, as the supervisor does, so that no cleanup records another. */
    private void record(VmEnd heard) {
        try (VmRuntimeDir.Lock lock = dir.lock("record the end", Duration.ofSeconds(5))) {
            dir.read().filter(r -> r.state().hasProcess() && r.ended() == null).ifPresent(r -> dir.write(r.withEnded(heard)));
        } catch (HostdevException e) {
            out.println("could not record the end yet: " + e.getMessage()); // the cleanup records it
        }
    }

    private void noticeStopping(java.util.concurrent.atomic.AtomicBoolean stopping) {
        try {
            if (dir.read().map(r -> r.state() == VmState.STOPPING).orElse(false)) {
                stopping.set(true);
            }
        } catch (RuntimeException e) {
            // a record that cannot be read now is read again at the next look; the cleanup reports it
        }
    }

    /**
     * Waits for a stop request, meanwhile noticing a 'hostdev vm stop' from elsewhere, then ends QEMU as vm stop
     * does, leaving the cleanup to {@link #run}; completes {@code result} either way.
     */
    private void stopOnRequest(String name, CompletableFuture<VmStopper.How> result, java.util.concurrent.atomic.AtomicBoolean stopping) {
        try {
            while (!stopRequested.await(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (!stopping.get()) {
                    noticeStopping(stopping);
                }
            }
        } catch (InterruptedException e) {
            result.cancel(false);
            return; // QEMU ended without a request
        }
        notify.stopping("VM " + name + ": asking the guest to power off (up to " + PlanStep.seconds(stopTimeout) + ")");
        out.println("stop requested: powering VM " + name + " off");
        out.flush();
        try {
            result.complete(new VmStopper(new RunningVm(dir, managed, null), out).endQemu(stopTimeout, false));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    /** How the stop went; a stop that failed (QEMU's exit is what counts) is reported and classified from the end alone. */
    private VmStopper.How awaitStop(CompletableFuture<VmStopper.How> stop) throws InterruptedException {
        try {
            return stop.get();
        } catch (ExecutionException e) {
            out.println("the stop did not finish cleanly: " + e.getCause().getMessage());
            out.flush();
            return null;
        }
    }
}
