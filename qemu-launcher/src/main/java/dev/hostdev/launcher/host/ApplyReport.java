package dev.hostdev.launcher.host;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@code hostdev apply} found, planned or did: one item per module, VF count and held device of the host
 * configuration, and what a previous boot left behind.
 *
 * @param mode         apply, dry run or check
 * @param files        the configuration files read
 * @param items        one per entry of the configuration, in the order carried out
 * @param previousBoot VM records and journal entries of a previous boot, each described (ended by a host reboot)
 */
public record ApplyReport(HostApplier.Mode mode, List<Path> files, List<Item> items, List<String> previousBoot) {
    /** Copies the lists. */
    public ApplyReport {
        Objects.requireNonNull(mode);
        files = List.copyOf(files);
        items = List.copyOf(items);
        previousBoot = List.copyOf(previousBoot);
    }

    /** How an item stands. */
    public enum Status {
        /** the host already matched it */
        OK,
        /** apply changed the host to match it */
        CHANGED,
        /** a dry run would change the host to match it */
        PLANNED,
        /** the host differs from it (check) */
        DIFFERS;

        /** Lower-case name, as printed and in JSON. */
        public String jsonName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One entry of the configuration and how the host stands with it.
     *
     * @param kind    {@code module}, {@code sriov} or {@code device}
     * @param name    the module's name, or the device as the file names it ({@code serial:…}, {@code 0000:03:00.0})
     * @param where   {@code FILE:LINE} of the entry, or the file for a module
     * @param address the device's address on this boot, or {@code null} (a module, or a device not present yet)
     * @param before  what was there: a driver (or {@code none}), a VF count, or {@code loaded}/{@code not loaded}
     * @param wanted  what the configuration asks for
     * @param status  how it stands
     * @param writes  the sysfs writes made or planned, as printed ({@code write PATH VALUE}), and modules loaded
     * @param notes   anything else worth saying (why it could not be resolved yet, warnings)
     */
    public record Item(String kind, String name, String where, String address, String before, String wanted, Status status,
                       List<String> writes, List<String> notes) {
        /** Copies the lists. */
        public Item {
            Objects.requireNonNull(kind);
            Objects.requireNonNull(name);
            Objects.requireNonNull(status);
            writes = List.copyOf(writes);
            notes = List.copyOf(notes);
        }

        /** One line for a person, e.g. {@code device serial:S1 (0000:05:00.0): nvme -> vfio-pci}. */
        public String describe() {
            String what = kind + " " + name + (address != null && !address.equals(name) ? " (" + address + ")" : "");
            return switch (status) {
                case OK -> what + ": " + before + ", as configured";
                case CHANGED -> what + ": " + before + " -> " + wanted;
                case PLANNED -> what + ": would go from " + before + " to " + wanted;
                case DIFFERS -> what + ": " + before + ", configured " + wanted + " (" + where + ")";
            };
        }
    }

    /** The items that are not as configured (or were not before apply). */
    public List<Item> differences() {
        return items.stream().filter(i -> i.status() != Status.OK).toList();
    }

    /** Whether the host matched the configuration (before apply changed it). */
    public boolean inSync() {
        return differences().isEmpty();
    }
}
