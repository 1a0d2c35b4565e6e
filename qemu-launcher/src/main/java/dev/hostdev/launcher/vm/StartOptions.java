package dev.hostdev.launcher.vm;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code vm start} runs.
 *
 * @param foreground   stay attached: wait for QEMU to end and clean up in this process (no supervisor)
 * @param readyTimeout how long QEMU may take until its QMP socket answers
 * @param out          where progress goes
 * @param verbose      where {@code -v} shows QMP messages, or {@code null}
 */
public record StartOptions(boolean foreground, Duration readyTimeout, PrintWriter out, PrintWriter verbose) {
    /** Requires a timeout and an output. */
    public StartOptions {
        Objects.requireNonNull(readyTimeout);
        Objects.requireNonNull(out);
    }
}
