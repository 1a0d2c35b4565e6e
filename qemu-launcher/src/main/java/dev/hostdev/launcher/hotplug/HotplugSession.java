package dev.hostdev.launcher.hotplug;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QemuStatus;
import dev.hostdev.launcher.qmp.QmpCommandException;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.Slot;
import java.time.Duration;

/**
 * One monitor connection kept open across many attaches and unplugs of one VM (a soak's cycles), instead of one per
 * operation as {@code hostdev attach} and {@code hostdev unplug} make. It connects on first use and asks
 * {@code query-status} once then; an unplug that times out asks again. A conversation that ends in anything but a
 * refusal from QEMU (a timeout, the connection gone) drops the connection: the next operation connects afresh, and
 * so learns, as a single command would, whether QEMU still runs (the VM's record then says crashed or stopped).
 * The VM's lock is still taken, and its record written, by each operation: the record says what QEMU has after every
 * step, whatever happens to this process. Not thread-safe: one soak at a time.
 */
public final class HotplugSession implements AutoCloseable {
    /** The monitor's default command timeout (device_add has its own, longer one). */
    static final Duration QMP_TIMEOUT = Duration.ofSeconds(10);

    private final RunningVm vm;
    private final String operation;
    private QemuMonitor monitor;
    private QemuStatus status;
    private int connections;
    private String vacatedBus;
    private String vacatedAddr;

    /**
     * @param operation what the connection is for, as errors name it ({@code soak})
     */
    public HotplugSession(RunningVm vm, String operation) {
        this.vm = vm;
        this.operation = operation;
    }

    /** The VM it talks to. */
    RunningVm vm() {
        return vm;
    }

    /** The open monitor, connecting (and asking {@code query-status}) if there is none. */
    QemuMonitor monitor() {
        if (monitor == null) {
            QemuMonitor m = vm.monitor(vm.record(), operation, QMP_TIMEOUT);
            connections++;
            try {
                status = m.queryStatus();
            } catch (RuntimeException e) {
                m.close();
                throw e;
            }
            monitor = m;
        }
        return monitor;
    }

    /** QEMU's status as last asked on this connection ({@code null} before the first connection). */
    QemuStatus knownStatus() {
        return status;
    }

    /** Asks QEMU's status again (an unplug that timed out: was the VM paused meanwhile?). */
    QemuStatus refreshStatus() {
        status = monitor().queryStatus();
        return status;
    }

    /**
     * Drops the connection after a failure that was not QEMU refusing a command: a reply that never came leaves a
     * connection whose next reply cannot be trusted to answer the next command.
     */
    void failed(RuntimeException e) {
        if (!(e instanceof QmpCommandException) && e instanceof HostdevException h && h.code() != null
                && (h.code() == dev.hostdev.engine.ErrorCode.TIMEOUT || h.code() == dev.hostdev.engine.ErrorCode.QMP)) {
            drop();
        }
    }

    private void drop() {
        if (monitor != null) {
            QemuMonitor m = monitor;
            monitor = null;
            status = null;
            m.close();
        }
    }

    /** Notes the slot an unplug over this session just emptied. */
    void vacated(String bus, String addr) {
        vacatedBus = bus;
        vacatedAddr = addr;
    }

    /**
     * Whether {@code slot} is the one the last unplug emptied. The next attach avoids it when it can: a guest whose
     * ACPI handler saw the {@code device_del} twice (once with the add before it, once on its own event) ejects the
     * slot a second time, and a device added there within milliseconds of {@code DEVICE_DELETED} is the one ejected.
     */
    boolean justVacated(Slot slot) {
        return slot.bus().equals(vacatedBus) && slot.addr().equals(vacatedAddr);
    }

    /** How many times it has connected to QEMU's monitor. */
    public int connections() {
        return connections;
    }

    /** Closes the connection, if open; a later operation would connect again. */
    @Override
    public void close() {
        drop();
    }
}
