package dev.hostdev.launcher.vm;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code vm start --foreground}: the starting process stays with its VM until QEMU ends, listens for its
 * SHUTDOWN event and cleans up itself (no supervisor); a signal to it (Ctrl-C) still gives the devices back.
 */
public final class ForegroundVm {
    private final VmRuntimeDir dir;
    private final ManagedDevices managed;
    private final PrintWriter out;

    /** @param out where progress goes */
    public ForegroundVm(VmRuntimeDir dir, ManagedDevices managed, PrintWriter out) {
        this.dir = dir;
        this.managed = managed;
        this.out = out;
    }

    /**
     * Waits until the started QEMU ends, then cleans up and says how it ended.
     *
     * @return the record after the cleanup
     */
    public VmRecord stayAttached(VmStarter.Started started) throws InterruptedException {
        out.println("staying attached until QEMU ends (Ctrl-C quits QEMU; managed devices are then given back)");
        out.flush();
        Thread cleanupOnSignal = new Thread(() -> {
            ProcessHandle.of(started.qemu().pid()).ifPresent(h -> {
                try {
                    h.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // clean up whatever the outcome
                }
            });
            new VmCleanup(dir, managed, out).afterExit();
        });
        Runtime.getRuntime().addShutdownHook(cleanupOnSignal);
        VmEnd end;
        try (ShutdownListener listener = ShutdownListener.connect(dir, started.record().qemu(), Duration.ofSeconds(10), out)) {
            end = listener.awaitEnd(heard -> { });
        }
        while (started.qemu().isAlive()) {
            Thread.sleep(100);
        }
        Runtime.getRuntime().removeShutdownHook(cleanupOnSignal);
        int status = started.qemu().exitValue();
        if (status == 0 && end.reason().equals(VmEnd.NO_SHUTDOWN_EVENT)) {
            // a clean exit (guest power-off, QMP quit) is a stop, not a crash: only the parent can tell
            try (VmRuntimeDir.Lock lock = dir.lock("stop", Duration.ofSeconds(10))) {
                VmRecord r = dir.require();
                if (r.state() == VmState.RUNNING || r.state() == VmState.PAUSED) {
                    dir.write(r.withState(VmState.STOPPING));
                }
            }
        }
        VmRecord after = new VmCleanup(dir, managed, out).afterExit(end);
        out.println("QEMU exited with status " + status + (after.ended() == null ? "" : ": " + after.ended().describe()));
        out.println("VM " + after.name() + " is " + after.state().jsonName());
        out.flush();
        return after;
    }
}
