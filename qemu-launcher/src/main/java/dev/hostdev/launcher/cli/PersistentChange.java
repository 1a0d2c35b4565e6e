package dev.hostdev.launcher.cli;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.host.ConfigDevices;
import dev.hostdev.launcher.host.HostConfigFiles;
import dev.hostdev.launcher.host.PersistentDropIn;
import dev.hostdev.launcher.spec.HostConfig;
import dev.hostdev.launcher.spec.HostConfigLoader;
import java.io.PrintWriter;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What {@code detach --persistent} and {@code reattach --persistent} change in Hostdev's drop-in
 * ({@code host.d/persistent.toml}), worked out before the detach or reattach (so a configuration that cannot be
 * read or written stops the command before any sysfs write) and written after it succeeded.
 */
final class PersistentChange {
    private final PersistentDropIn dropIn;
    private final String before;
    private final String after;
    private final List<String> notes;

    private PersistentChange(PersistentDropIn dropIn, String before, String after, List<String> notes) {
        this.dropIn = dropIn;
        this.before = before;
        this.after = after;
        this.notes = List.copyOf(notes);
    }

    /** Adds each device not yet held by any file of the configuration, by its most stable name. */
    static PersistentChange hold(HostConfigFiles files, Sysfs sysfs, List<PciAddress> devices, String driver) {
        HostConfig all = HostConfigLoader.load(files.main(), false);
        PersistentDropIn dropIn = new PersistentDropIn(files);
        ConfigDevices found = new ConfigDevices(sysfs);
        List<HostConfig.HeldDevice> held = new ArrayList<>(dropIn.devices());
        List<String> notes = new ArrayList<>();
        boolean added = false;
        for (PciAddress a : devices) {
            Optional<HostConfig.HeldDevice> already = heldAs(all.devices(), a, found);
            if (already.isPresent()) {
                notes.add(a + " is already held at every boot by " + already.get().name().where());
                continue;
            }
            HostConfig.DeviceName name = found.stableName(a, dropIn.file().toString());
            held.add(new HostConfig.HeldDevice(name, driver));
            added = true;
            notes.add("recorded " + a + " as " + name.spelling() + " in " + dropIn.file() + ": 'hostdev apply' holds it at every boot");
        }
        String before = dropIn.text();
        return new PersistentChange(dropIn, before, added ? render(dropIn, held, found) : before, notes);
    }

    /**
     * Removes the devices from Hostdev's drop-in; refuses, before anything is changed, a device that another file
     * (the user's own) holds, which Hostdev does not rewrite.
     */
    static PersistentChange release(HostConfigFiles files, Sysfs sysfs, List<PciAddress> devices) {
        HostConfig all = HostConfigLoader.load(files.main(), false);
        PersistentDropIn dropIn = new PersistentDropIn(files);
        ConfigDevices found = new ConfigDevices(sysfs);
        List<HostConfig.HeldDevice> held = new ArrayList<>(dropIn.devices());
        List<String> notes = new ArrayList<>();
        boolean removed = false;
        for (PciAddress a : devices) {
            Optional<HostConfig.HeldDevice> mine = heldAs(held, a, found);
            if (mine.isPresent()) {
                held.remove(mine.get());
                removed = true;
                notes.add("removed " + a + " (" + mine.get().name().spelling() + ") from " + dropIn.file());
                continue;
            }
            Optional<HostConfig.HeldDevice> theirs = heldAs(all.devices(), a, found);
            if (theirs.isPresent()) {
                throw new HostdevException(ErrorCode.STATE, a + " is held at every boot by " + theirs.get().name().where()
                        + ", a file Hostdev does not rewrite; nothing was changed",
                        "remove that [[device]] entry by hand, then run the reattach again");
            }
            notes.add(a + " was not recorded in the host configuration: nothing to remove");
        }
        String before = dropIn.text();
        return new PersistentChange(dropIn, before, removed ? render(dropIn, held, found) : before, notes);
    }

    private static Optional<HostConfig.HeldDevice> heldAs(List<HostConfig.HeldDevice> entries, PciAddress a, ConfigDevices found) {
        for (HostConfig.HeldDevice d : entries) {
            try {
                if (found.resolve(d.name()).equals(a)) {
                    return Optional.of(d);
                }
            } catch (HostdevException notHere) {
                // an entry naming a device absent on this boot holds nothing here
            }
        }
        return Optional.empty();
    }

    private static String render(PersistentDropIn dropIn, List<HostConfig.HeldDevice> held, ConfigDevices found) {
        if (held.isEmpty()) {
            return "";
        }
        String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return dropIn.render(held, d -> {
            try {
                PciAddress a = found.resolve(d.name());
                return a + found.device(a).map(p -> String.format(" %04x:%04x", p.vendorId(), p.deviceId())).orElse("")
                        + " when this file was written (" + when + ")";
            } catch (HostdevException e) {
                return "not found on this host when this file was written (" + when + ")";
            }
        });
    }

    /** Whether the file changes. */
    boolean changes() {
        return !before.equals(after);
    }

    /**
     * After the detach or reattach: a dry run prints the change (on stderr under {@code --json}, whose stdout is one
     * JSON line), a real run writes it and says on stderr what it recorded.
     */
    void finish(picocli.CommandLine.Model.CommandSpec spec, boolean json, boolean dryRun) {
        if (dryRun) {
            PrintWriter where = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
            printPlan(where);
            where.flush();
        } else {
            write(spec.commandLine().getErr());
        }
    }

    /** Prints the change a dry run would make: the file and its lines added (+) and removed (-). */
    private void printPlan(PrintWriter out) {
        if (!changes()) {
            out.println("# " + dropIn.file() + ": no change (" + String.join("; ", notes) + ")");
            return;
        }
        out.println("# would " + (after.isEmpty() ? "remove " : "write ") + dropIn.file() + ":");
        PersistentDropIn.diff(before, after).forEach(l -> out.println("# " + l));
    }

    /** Writes the file (or removes it when it holds nothing more) and says what was recorded. */
    private void write(PrintWriter log) {
        if (changes()) {
            dropIn.write(after, after.isEmpty());
        }
        notes.forEach(n -> log.println("hostdev: " + n));
        log.flush();
    }
}
