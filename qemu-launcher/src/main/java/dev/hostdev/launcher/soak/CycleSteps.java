package dev.hostdev.launcher.soak;

import dev.hostdev.launcher.hotplug.HotplugDevice;
import java.time.Duration;

/** The two hotplug operations a soak cycle is made of; {@link VmCycleSteps} does them on a running VM. */
public interface CycleSteps {
    /**
     * Plugs {@code device} in as {@code id} and returns once QEMU has confirmed it.
     *
     * @throws dev.hostdev.engine.HostdevException what QEMU or Hostdev refused
     */
    void attach(HotplugDevice device, String id);

    /**
     * Unplugs {@code id} and returns once the guest has released it.
     *
     * @return from {@code device_del} to {@code DEVICE_DELETED}
     * @throws dev.hostdev.engine.HostdevException when it was not released (guest busy, no acknowledgement in time…)
     */
    Duration unplug(String id);

    /**
     * Called before a run's first cycle; what it returns is closed after the run's last, failed or not. Steps that
     * talk to QEMU keep one monitor connection for the run in it. By default there is nothing to hold.
     */
    default Held hold() {
        return () -> { };
    }

    /** What a run holds between its cycles (a monitor connection); closing it lets go. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }
}
