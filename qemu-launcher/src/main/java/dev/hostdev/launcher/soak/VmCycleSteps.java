package dev.hostdev.launcher.soak;

import dev.hostdev.launcher.hotplug.Attacher;
import dev.hostdev.launcher.hotplug.HotplugChecks;
import dev.hostdev.launcher.hotplug.HotplugDevice;
import dev.hostdev.launcher.hotplug.Unplugger;
import dev.hostdev.launcher.topology.PciFacts;
import dev.hostdev.launcher.vm.RunningVm;
import java.time.Duration;

/**
 * A soak cycle's steps done by {@link Attacher} and {@link Unplugger} on a running VM: each attach and unplug is
 * exactly {@code hostdev attach} and {@code hostdev unplug} (the VM's lock, its record, QEMU's confirmation, the
 * guest's {@code DEVICE_DELETED}, a managed device detached and given back).
 */
public final class VmCycleSteps implements CycleSteps {
    private final Attacher attacher;
    private final Unplugger unplugger;
    private final Duration unplugTimeout;

    /**
     * @param unplugTimeout how long the guest has to release a device
     */
    public VmCycleSteps(RunningVm vm, PciFacts facts, HotplugChecks checks, Duration unplugTimeout) {
        this.attacher = new Attacher(vm, facts, checks);
        this.unplugger = new Unplugger(vm);
        this.unplugTimeout = unplugTimeout;
    }

    @Override
    public void attach(HotplugDevice device, String id) {
        attacher.attach(device, id, false);
    }

    @Override
    public Duration unplug(String id) {
        return unplugger.unplug(id, unplugTimeout).took();
    }
}
