package dev.hostdev.launcher.cmdline;

import dev.hostdev.engine.HostdevException;
import java.util.Objects;

/**
 * A check that failed, with the error to report (naming the device, what is wrong, the fix).
 *
 * @param check the check
 * @param error why it failed
 */
public record PreflightProblem(PreflightCheck check, HostdevException error) {
    /** Requires both. */
    public PreflightProblem {
        Objects.requireNonNull(check);
        Objects.requireNonNull(error);
    }
}
