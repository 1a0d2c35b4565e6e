package dev.hostdev.engine.pci;

import java.util.List;

/**
 * Every entry of {@code /sys/bus/pci/devices} at one reading: the functions read in full and the
 * entries that could not be (each reported, none left out). Only an entry that vanished while it was
 * being read is in neither list: it is no longer there to account for.
 *
 * @param devices    the functions read in full, in address order
 * @param unreadable the entries that could not be read in full, in the directory's name order
 */
public record PciListing(List<PciSummary> devices, List<UnreadablePciEntry> unreadable) {
    /** Copies the lists. */
    public PciListing {
        devices = List.copyOf(devices);
        unreadable = List.copyOf(unreadable);
    }

    /** How many entries were accounted for. */
    public int size() {
        return devices.size() + unreadable.size();
    }
}
