package dev.hostdev.launcher.vm;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What is done once QEMU has ended, however it ended: managed devices are given back, the state
 * becomes stopped (it was being stopped) or crashed (it was not), QEMU's socket and pid file go.
 * Idempotent and under the VM's lock, so the supervisor, {@code vm stop} and a later {@code vm start}
 * can all call it.
 */
public final class VmCleanup {
    private final VmRuntimeDir dir;
    private final ManagedDevices managed;
    private final PrintWriter log;

    /**
     * @param log where progress is reported
     */
    public VmCleanup(VmRuntimeDir dir, ManagedDevices managed, PrintWriter log) {
        this.dir = dir;
        this.managed = managed;
        this.log = log;
    }

    /**
     * Cleans up after QEMU if it has ended; does nothing while it runs.
     *
     * @return the record afterwards
     * @throws HostdevException when a device could not be given back (it stays listed for the next try)
     */
    public VmRecord afterExit() {
        try (VmRuntimeDir.Lock lock = dir.lock("cleanup", Duration.ofSeconds(30))) {
            return afterExitLocked();
        }
    }

    /** As {@link #afterExit()}, for a caller already holding the lock. */
    public VmRecord afterExitLocked() {
        VmRecord r = dir.require();
        if (r.qemuAlive()) {
            return r;
        }
        VmState end = switch (r.state()) {
            case STOPPING -> VmState.STOPPED;
            case STARTING, RUNNING, PAUSED -> VmState.CRASHED;
            case STOPPED, CRASHED -> r.state();
        };
        HostdevException failure = null;
        List<String> giveBack = new ArrayList<>(r.managed());
        for (String host : giveBack) {
            try {
                managed.reattach(List.of(PciAddress.parse(host)), false);
                log.println("gave " + host + " back to its host driver");
                r = r.withoutManaged(host);
            } catch (HostdevException e) {
                log.println("could not give " + host + " back: " + e.getMessage());
                failure = failure == null ? e : failure;
            }
        }
        log.flush();
        r = r.withState(end);
        dir.write(r);
        dir.removeProcessFiles();
        if (failure != null) {
            throw failure;
        }
        return r;
    }
}
