package dev.hostdev.engine.bind;

/** What an operation on a device does. */
public enum Action {
    /** Take the device from its host driver to vfio-pci (or another stub driver). */
    DETACH,
    /** Give the device back to the host driver it had. */
    REATTACH,
    /** Change an SR-IOV physical function's VF count ({@code sriov_numvfs}). */
    SRIOV,
    /** Put a device back as the journal says it was, after an interrupted detach. */
    ROLLBACK
}
