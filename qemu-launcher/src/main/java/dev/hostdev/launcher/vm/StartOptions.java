package dev.hostdev.launcher.vm;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * How {@code vm start} runs.
 *
 * @param foreground   stay attached: wait for QEMU to end and clean up in this process (no supervisor)
 * @param readyTimeout how long QEMU may take until its QMP socket answers
 * @param out          where progress goes
 * @param verbose      where {@code -v} shows QMP messages, or {@code null}
 * @param supervisor   the VM's clean-up, which a {@link ShellWaiter} execs once QEMU has ended (e.g.
 *                     {@link Supervisor#cleanup}); {@code null}: none (the caller waits for QEMU itself)
 */
public record StartOptions(boolean foreground, Duration readyTimeout, PrintWriter out, PrintWriter verbose,
                           Function<VmRuntimeDir, Supervisor.Cleanup> supervisor) {
    /** Requires a timeout and an output. */
    public StartOptions {
        Objects.requireNonNull(readyTimeout);
        Objects.requireNonNull(out);
    }
}
