package dev.hostdev.launcher.vm;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What is done once QEMU has ended, however it ended: managed devices are given back, the end is
 * recorded ({@link VmEnd}) and the state follows from it: stopped when QEMU shut down (its SHUTDOWN
 * event was heard: guest power-off, quit, signal) or was being stopped, crashed when it vanished without
 * the event (SIGKILL, abort) or shut down on a guest panic; QEMU's sockets and pid file go.
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
        return afterExit(null);
    }

    /**
     * As {@link #afterExit()}, with how QEMU ended as the caller heard it.
     *
     * @param heard the end the caller observed, or {@code null}: the one recorded, else none was heard
     */
    public VmRecord afterExit(VmEnd heard) {
        try (VmRuntimeDir.Lock lock = dir.lock("cleanup", Duration.ofSeconds(30))) {
            return afterExitLocked(heard);
        }
    }

    /** As {@link #afterExit()}, for a caller already holding the lock. */
    public VmRecord afterExitLocked() {
        return afterExitLocked(null);
    }

    private VmRecord afterExitLocked(VmEnd heard) {
        VmRecord r = dir.require();
        if (r.qemuAlive()) {
            return r;
        }
        VmEnd ended = r.ended();
        VmState end = r.state();
        if (r.endedByHostReboot()) {
            // Never act on a previous boot's state: the reboot reset those devices, and this boot may hold them.
            for (String host : r.managed()) {
                log.println("not giving " + host + " back: it was detached during a previous boot, which the host reboot ended");
                r = r.withoutManaged(host);
            }
            log.flush();
            r = r.withState(VmState.CRASHED).withEnded(VmEnd.hostReboot());
            dir.removeProcessFiles();
            dir.write(r);
            return r;
        }
        if (r.state().hasProcess()) {
            if (heard != null && (ended == null || ended.reason().equals(VmEnd.NO_SHUTDOWN_EVENT))) {
                ended = heard;
            }
            if (ended == null) {
                ended = VmEnd.withoutShutdownEvent();
            }
            // without the event, a VM being stopped was ended by 'vm stop' (SIGKILL after quit failed): not a crash
            end = ended.reason().equals(VmEnd.NO_SHUTDOWN_EVENT) && r.state() == VmState.STOPPING ? VmState.STOPPED : ended.state();
        }
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
        r = r.withState(end).withEnded(ended);
        // the files first: a record that says the VM ended is only seen once nothing of its QEMU is left
        dir.removeProcessFiles();
        dir.write(r);
        if (failure != null) {
            throw failure;
        }
        return r;
    }
}
