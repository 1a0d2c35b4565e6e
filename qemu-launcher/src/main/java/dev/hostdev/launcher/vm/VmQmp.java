package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.time.Duration;

/** Opens a QMP connection to a running VM, with its transcript. */
public final class VmQmp {
    private VmQmp() {
    }

    /**
     * Connects to VM {@code dir}'s monitor.
     *
     * @param echo where {@code -v} shows messages, or {@code null}
     * @throws HostdevException (STATE) when QEMU has no socket (the VM is not running)
     */
    public static QmpClient connect(VmRuntimeDir dir, PrintWriter echo, Duration commandTimeout) {
        return open(dir, echo, commandTimeout);
    }

    /**
     * Connects to the monitor of a VM recorded as running or paused, for {@code operation}. Whether QEMU
     * still runs is not asked of the kernel first ({@code /proc}, on every hotplug): a monitor that does not
     * answer is what reveals an ended QEMU, and then the VM's state (crashed, stopped) is the error, with the
     * socket's error kept as suppressed.
     *
     * @throws VmStateException when the record, or QEMU's end, says the VM is not running or paused
     */
    public static QmpClient connectLive(VmRuntimeDir dir, VmRecord r, String operation, PrintWriter echo, Duration commandTimeout) {
        requireLive(r, r.state(), operation);
        try {
            return open(dir, echo, commandTimeout);
        } catch (HostdevException e) {
            try {
                requireLive(r, r.effectiveState(), operation);
            } catch (VmStateException ended) {
                ended.addSuppressed(e);
                throw ended;
            }
            throw e;
        }
    }

    /** Throws unless {@code state} is running or paused, as a conversation with QEMU for {@code operation} needs. */
    public static void requireLive(VmRecord r, VmState state, String operation) {
        VmStateException.require(r.name(), state, operation, VmState.RUNNING, VmState.PAUSED);
    }

    private static QmpClient open(VmRuntimeDir dir, PrintWriter echo, Duration commandTimeout) {
        if (!Files.exists(dir.qmpSocket())) {
            throw new HostdevException(ErrorCode.STATE, "VM " + dir.name() + " has no QMP socket " + dir.qmpSocket(),
                    "is it running? 'hostdev vm status " + dir.name() + "'");
        }
        return QmpClient.connect(dir.qmpSocket(), QmpOptions.defaults().withCommandTimeout(commandTimeout)
                .withTranscript(new QmpTranscriptFile(dir.qmpLog(), echo)));
    }
}
