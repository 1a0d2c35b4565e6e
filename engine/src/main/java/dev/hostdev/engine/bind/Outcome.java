package dev.hostdev.engine.bind;

/** What happened to one device. */
public enum Outcome {
    /** Moved to the stub driver and verified. */
    DETACHED,
    /** Already on the stub driver: nothing written. */
    ALREADY_DETACHED,
    /** A bridge of the group: left alone (bridges do not stop a group being viable). */
    SKIPPED_BRIDGE,
    /** Given back to its host driver and verified. */
    REATTACHED,
    /** Not on a stub driver: nothing to give back. */
    ALREADY_ATTACHED,
    /** Reset, but its config space no longer reads: left bound to no driver (see the warnings). */
    LEFT_UNBOUND,
    /** Reattached, but no host driver claimed it (none recorded, none matched). */
    REATTACHED_NO_DRIVER,
    /** An interrupted operation was put right by recovery. */
    RECOVERED,
    /** Recovery left it alone: the operation is still running in a live process that holds its lock. */
    IN_PROGRESS,
    /** --dry-run: these writes would be made. */
    PLANNED
}
