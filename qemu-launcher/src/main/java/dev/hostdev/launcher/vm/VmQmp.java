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
        if (!Files.exists(dir.qmpSocket())) {
            throw new HostdevException(ErrorCode.STATE, "VM " + dir.name() + " has no QMP socket " + dir.qmpSocket(),
                    "is it running? 'hostdev vm status " + dir.name() + "'");
        }
        return QmpClient.connect(dir.qmpSocket(), QmpOptions.defaults().withCommandTimeout(commandTimeout)
                .withTranscript(new QmpTranscriptFile(dir.qmpLog(), echo)));
    }
}
