package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QmpOptions;
import dev.hostdev.launcher.qmp.QmpTranscript;
import java.nio.file.Files;
import java.time.Duration;

/**
 * Ready when QEMU's QMP socket answers: the greeting came and {@code qmp_capabilities} succeeded.
 * Yields the open connection.
 */
public final class QmpReadiness implements ReadinessStrategy<QemuMonitor> {
    private final VmRuntimeDir dir;
    private final QmpOptions options;

    /**
     * @param dir        the VM's runtime directory (its socket)
     * @param transcript where QMP messages go
     */
    public QmpReadiness(VmRuntimeDir dir, QmpTranscript transcript) {
        this.dir = dir;
        this.options = QmpOptions.defaults().withTranscript(transcript);
    }

    @Override
    public String describe() {
        return "QMP answering on " + dir.qmpSocket();
    }

    @Override
    public QemuMonitor await(QemuProcess process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        HostdevException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw process.launchFailure("QEMU exited before " + describe());
            }
            if (Files.exists(dir.qmpSocket())) {
                try {
                    return QemuMonitor.connect(dir.qmpSocket(), options);
                } catch (HostdevException e) {
                    if (e.code() == ErrorCode.ENVIRONMENT) {
                        throw e; // it answered: too old a QEMU, which waiting does not change
                    }
                    last = e; // QEMU creates the socket before it listens; try again
                }
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new HostdevException(ErrorCode.TIMEOUT, "interrupted waiting for " + describe(), null, e);
            }
        }
        throw new HostdevException(ErrorCode.TIMEOUT, "timed out after " + timeout.toSeconds() + " s waiting for " + describe()
                + (last == null ? "" : " (last try: " + last.getMessage() + ")"),
                "see QEMU's output in " + dir.qemuLog());
    }
}
