package dev.hostdev.engine.state;

import dev.hostdev.engine.pci.PciAddress;

/** A held lock on one device; {@link #close()} releases it. */
public final class DeviceLock implements AutoCloseable {
    private final PciAddress device;
    private final LockFile file;

    DeviceLock(PciAddress device, LockFile file) {
        this.device = device;
        this.file = file;
    }

    /** The device locked. */
    public PciAddress device() {
        return device;
    }

    /** Releases the lock (idempotent). The lock file stays: deleting it would let two processes lock two files. */
    @Override
    public void close() {
        file.close();
    }
}
