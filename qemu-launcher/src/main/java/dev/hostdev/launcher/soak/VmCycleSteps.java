package dev.hostdev.launcher.soak;

import dev.hostdev.launcher.hotplug.Attacher;
import dev.hostdev.launcher.hotplug.HotplugChecks;
import dev.hostdev.launcher.hotplug.HotplugDevice;
import dev.hostdev.launcher.hotplug.HotplugSession;
import dev.hostdev.launcher.hotplug.Unplugger;
import dev.hostdev.launcher.topology.PciFacts;
import dev.hostdev.launcher.vm.RunningVm;
import java.time.Duration;

/**
 * A soak cycle's steps done by {@link Attacher} and {@link Unplugger} on a running VM: each attach and unplug makes
 * the checks of {@code hostdev attach} and {@code hostdev unplug} and takes the VM's lock and writes its record as
 * they do (QEMU's confirmation, the guest's {@code DEVICE_DELETED}, a managed device detached and given back), but
 * over one monitor connection per run ({@link HotplugSession}, opened at the first step) instead of one per
 * operation, and without a {@code query-status} per unplug.
 */
public final class VmCycleSteps implements CycleSteps {
    private final RunningVm vm;
    private final Attacher attacher;
    private final Unplugger unplugger;
    private final Duration unplugTimeout;
    private HotplugSession session;
    private int connections;

    /**
     * @param unplugTimeout how long the guest has to release a device
     */
    public VmCycleSteps(RunningVm vm, PciFacts facts, HotplugChecks checks, Duration unplugTimeout) {
        this.vm = vm;
        this.attacher = new Attacher(vm, facts, checks);
        this.unplugger = new Unplugger(vm);
        this.unplugTimeout = unplugTimeout;
    }

    @Override
    public void attach(HotplugDevice device, String id) {
        attacher.attach(device, id, session());
    }

    @Override
    public Duration unplug(String id) {
        return unplugger.unplug(id, unplugTimeout, session()).took();
    }

    @Override
    public Held hold() {
        HotplugSession s = session();
        return () -> {
            connections += s.connections();
            s.close();
            if (session == s) {
                session = null;
            }
        };
    }

    /** How many monitor connections the runs held so far have opened (one a run unless a connection failed). */
    public int connections() {
        return connections + (session == null ? 0 : session.connections());
    }

    private HotplugSession session() {
        if (session == null) {
            session = new HotplugSession(vm, "soak");
        }
        return session;
    }
}
