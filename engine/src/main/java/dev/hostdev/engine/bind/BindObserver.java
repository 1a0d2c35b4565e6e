package dev.hostdev.engine.bind;

import dev.hostdev.engine.pci.PciAddress;

/** Hears what the binder does as it happens: for {@code -v} and progress lines. */
public interface BindObserver {
    /** Nothing is reported. */
    BindObserver SILENT = new BindObserver() { };

    /** A write is about to be made. */
    default void beforeWrite(PciAddress device, SysfsWrite write) {
    }

    /** Work on a device starts, e.g. "detaching 0000:01:00.0 from e1000e". */
    default void progress(PciAddress device, String message) {
    }

    /** One device is done. */
    default void finished(DeviceOutcome outcome) {
    }
}
