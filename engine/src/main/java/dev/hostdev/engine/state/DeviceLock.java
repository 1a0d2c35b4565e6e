package dev.hostdev.engine.state;

import dev.hostdev.engine.pci.PciAddress;

/** A held lock on one device; {@link #close()} releases it. */
public final class DeviceLock implements AutoCloseable {
    private final PciAddress device;
    private int fd;

    DeviceLock(PciAddress device, int fd) {
        this.device = device;
        this.fd = fd;
    }

    /** The device locked. */
    public PciAddress device() {
        return device;
    }

    /** Releases the lock (idempotent). The lock file stays: deleting it would let two processes lock two files. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Flock.unlockAndClose(fd);
            fd = -1;
        }
    }
}
