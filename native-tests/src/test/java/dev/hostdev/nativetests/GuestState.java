package dev.hostdev.nativetests;

import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.LabVm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a lab test class must leave in a shared lab guest as it found it: every PCI device's driver and
 * {@code driver_override}, the entries of {@code /dev/vfio}, the mounts, no QEMU running inside, no journal entry and no
 * device record of Hostdev's left in the guest's {@code /run/hostdev}. Read in one guest command (well under a
 * second), so a class's leftovers fail that class loudly instead of breaking the next one.
 */
final class GuestState {
    static final String SCRIPT = "for d in /sys/bus/pci/devices/*; do "
            + "l=$(readlink $d/driver) && drv=${l##*/} || drv=-; "
            + "echo \"pci ${d##*/} $drv $(cat $d/driver_override 2>/dev/null)\"; done; "
            + "echo \"vfio: $(ls /dev/vfio 2>/dev/null | tr '\\n' ' ')\"; "
            + "echo \"qemu processes: $(ps -eo comm= | grep -c '^qemu-system')\"; "
            + "echo \"journal entries: $(ls /run/hostdev/journal 2>/dev/null | tr '\\n' ' ')\"; "
            + "echo \"device records: $(ls /run/hostdev/devices 2>/dev/null | tr '\\n' ' ')\"; "
            + "echo \"mounts: $(cut -d' ' -f2 /proc/mounts | sort | tr '\\n' ' ')\"";

    private final List<String> lines;

    private GuestState(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    /** Reads the guest's state now. */
    static GuestState read(LabVm vm) {
        GuestResult r = vm.run(SCRIPT, Duration.ofSeconds(60));
        if (r.exitStatus() != 0 && r.exitStatus() != 1) {
            throw new AssertionError("could not read the lab guest's state: " + r.describe());
        }
        return parse(r.stdout());
    }

    /** The state {@link #SCRIPT} printed. */
    static GuestState parse(String output) {
        return new GuestState(output.lines().map(String::strip).toList());
    }

    /** The lines of {@code other} that differ from this state's, each as {@code expected → found}; empty when equal. */
    List<String> differences(GuestState other) {
        Set<String> expected = new LinkedHashSet<>(lines);
        Set<String> found = new LinkedHashSet<>(other.lines);
        List<String> out = new ArrayList<>();
        for (String e : expected) {
            if (!found.contains(e)) {
                out.add("expected '" + e + "'");
            }
        }
        for (String f : found) {
            if (!expected.contains(f)) {
                out.add("found '" + f + "'");
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return String.join("\n", lines);
    }
}
