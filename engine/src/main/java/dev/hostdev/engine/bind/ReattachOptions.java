package dev.hostdev.engine.bind;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reattach.
 *
 * @param dryRun        plan and report, write nothing (no journal either)
 * @param settleTimeout how long the host driver may take to show as bound (some drivers probe asynchronously)
 */
public record ReattachOptions(boolean dryRun, Duration settleTimeout) {
    /** The settle timeout of {@link #defaults()}. */
    public static final Duration DEFAULT_SETTLE = Duration.ofSeconds(5);

    /** Rejects a null or negative timeout. */
    public ReattachOptions {
        Objects.requireNonNull(settleTimeout);
        if (settleTimeout.isNegative()) {
            throw new IllegalArgumentException("negative settle timeout: " + settleTimeout);
        }
    }

    /** For real or not, with the default settle timeout. */
    public ReattachOptions(boolean dryRun) {
        this(dryRun, DEFAULT_SETTLE);
    }

    /** For real, with the default settle timeout. */
    public static ReattachOptions defaults() {
        return new ReattachOptions(false);
    }
}
