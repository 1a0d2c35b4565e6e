package dev.hostdev.nativetests;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.launcher.lab.BatchStep;
import dev.hostdev.launcher.lab.GuestBatch;
import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.LabVm;
import dev.hostdev.launcher.lab.StepOutcome;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the real hostdev jar inside a lab VM: many commands in one guest JVM through {@link GuestBatch},
 * or single {@code java -jar hostdev.jar} processes from shell scripts where a separate process is
 * the point (killing it).
 */
final class GuestHostdev {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static int batches;

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

    /** Runs the steps in one guest JVM; returns each step's outcome by name, in order. */
    Map<String, StepOutcome> batch(List<BatchStep> steps) throws IOException {
        int n = ++batches;
        JSON.writeValue(vm.exchangeDir().resolve("batch" + n + ".json").toFile(), steps);
        GuestResult r = vm.run(java + " -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp " + jar + " " + GuestBatch.class.getName()
                + " " + LabVm.GUEST_EXCHANGE_DIR + "/batch" + n + ".json " + LabVm.GUEST_EXCHANGE_DIR + "/outcomes" + n + ".json",
                Duration.ofMinutes(3));
        if (!r.ok()) {
            throw new AssertionError("the guest batch failed: " + r.describe());
        }
        List<StepOutcome> outcomes = JSON.readValue(vm.exchangeDir().resolve("outcomes" + n + ".json").toFile(),
                new TypeReference<List<StepOutcome>>() { });
        Map<String, StepOutcome> byName = new LinkedHashMap<>();
        outcomes.forEach(o -> byName.put(o.name(), o));
        return byName;
    }

    /** A shell step printing {@code ADDRESS DRIVER OVERRIDE} per device and {@code vfio: …}. */
    static BatchStep state(String name, String... devices) {
        return BatchStep.sh(name, stateScript(devices));
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
