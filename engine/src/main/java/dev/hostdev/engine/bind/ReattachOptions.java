package dev.hostdev.engine.bind;

/**
 * How to reattach.
 *
 * @param dryRun plan and report, write nothing (no journal either)
 */
public record ReattachOptions(boolean dryRun) {
    /** For real. */
    public static ReattachOptions defaults() {
        return new ReattachOptions(false);
    }
}
