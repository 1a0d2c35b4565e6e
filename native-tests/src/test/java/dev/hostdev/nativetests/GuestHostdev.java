package dev.hostdev.nativetests;

import dev.hostdev.launcher.lab.GuestHostdevSession;
import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.HostdevLauncher;
import dev.hostdev.launcher.lab.LabVm;
import dev.hostdev.launcher.lab.StepOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real hostdev jar inside a lab VM: many commands in one guest {@code hostdev batch}
 * ({@link GuestHostdevSession}, as {@code hostdev lab} does),
 * or single {@code java -jar hostdev.jar} processes from shell scripts where a separate process is
 * the point (killing it).
 */
final class GuestHostdev {
    private final LabVm vm;
    private final String java;
    private final Path jar;

    GuestHostdev(LabVm vm, Path java, Path jar) {
        this.vm = vm;
        this.java = java.toString();
        this.jar = jar;
    }

    /** The jar run in the guest. */
    Path jar() {
        return jar;
    }

    /** The guest's java launcher. */
    String java() {
        return java;
    }

    /** The shell words that start hostdev in the guest, as {@code ./hostdev} would (fast-start JVM flags). */
    String command() {
        return java + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar " + jar;
    }

    /** Runs the commands in order, the Hostdev ones in one guest batch; returns each one's outcome by name. */
    Map<String, StepOutcome> batch(List<GuestCommand> commands) {
        Map<String, StepOutcome> byName = new LinkedHashMap<>();
        try (GuestHostdevSession session = GuestHostdevSession.start(vm, HostdevLauncher.jar(Path.of(java), jar))) {
            for (GuestCommand c : commands) {
                if (c.hostdev() != null) {
                    byName.put(c.name(), session.run(c.name(), c.hostdev(), Duration.ofMinutes(3)));
                } else {
                    GuestResult r = vm.run(c.sh(), Duration.ofMinutes(2));
                    byName.put(c.name(), new StepOutcome(c.name(), r.exitStatus(), r.stdout(), r.stderr(), r.duration().toMillis()));
                }
            }
        }
        return byName;
    }

    /** A shell step printing {@code ADDRESS DRIVER OVERRIDE} per device and {@code vfio: …}. */
    static GuestCommand state(String name, String... devices) {
        return GuestCommand.sh(name, stateScript(devices));
    }

    /** The shell of {@link #state}. */
    static String stateScript(String... devices) {
        return "for d in " + String.join(" ", devices) + "; do "
                + "l=$(readlink /sys/bus/pci/devices/$d/driver) && drv=${l##*/} || drv=-; "
                + "echo \"$d $drv $(cat /sys/bus/pci/devices/$d/driver_override)\"; done; "
                + "echo \"vfio: $(ls /dev/vfio 2>/dev/null | tr '\\n' ' ')\"";
    }

    /** Parses {@link #state}: address → "driver override", and "vfio" → the entries of /dev/vfio. */
    static Map<String, String> parseState(String out) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("vfio:")) {
                m.put("vfio", line.substring(5).strip());
            } else if (line.matches("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7] .*")) {
                int sp = line.indexOf(' ');
                m.put(line.substring(0, sp), line.substring(sp + 1).strip());
            }
        }
        return m;
    }
}
