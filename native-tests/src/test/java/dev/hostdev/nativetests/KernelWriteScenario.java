package dev.hostdev.nativetests;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.sysfs.Errno;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.engine.sysfs.SysfsWriteException;
import dev.hostdev.launcher.lab.LabGuest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sequence of sysfs writes, the kind detach and reattach are made of plus the mistakes around
 * them, and what the kernel answers to each: the errno and the resulting bindings. It runs against a
 * real kernel (inside the lab guest, through {@link #main}) and against the unit tests' simulated
 * kernel, so that the two can be compared write by write.
 */
public final class KernelWriteScenario {
    /** Where nothing lives on the lab machine (and on the simulated tree). */
    static final String ABSENT = "0000:00:1c.7";

    /** One write: a label, the attribute (relative to /sys) and the value. */
    record Write(String label, String attribute, String value) {
    }

    /**
     * What followed one write.
     *
     * @param label    the write's label
     * @param answer   {@code ok} or the errno's name, e.g. {@code ENODEV}
     * @param drivers  each watched device's driver after the write ({@code -} for none)
     * @param override the first device's {@code driver_override} after the write
     */
    record Observation(String label, String answer, Map<String, String> drivers, String override) {
    }

    private KernelWriteScenario() {
    }

    /** The writes, for device {@code e} (an e1000e) with {@code sibling} (another e1000e) watched. */
    static List<Write> writes(String e) {
        String dev = "bus/pci/devices/" + e;
        List<Write> w = new ArrayList<>();
        w.add(new Write("bind to vfio-pci without driver_override", "bus/pci/drivers/vfio-pci/bind", e));
        w.add(new Write("unbind through a driver it is not bound to", "bus/pci/drivers/vfio-pci/unbind", e));
        w.add(new Write("set driver_override", dev + "/driver_override", "vfio-pci"));
        w.add(new Write("bind to its own driver type while overridden", "bus/pci/drivers/e1000e/bind", e));
        w.add(new Write("unbind through its driver link", dev + "/driver/unbind", e));
        w.add(new Write("unbind again through the (gone) driver link", dev + "/driver/unbind", e));
        w.add(new Write("unbind an unbound device through a driver", "bus/pci/drivers/e1000e/unbind", e));
        w.add(new Write("drivers_probe binds by driver_override", "bus/pci/drivers_probe", e));
        w.add(new Write("bind a device already bound", "bus/pci/drivers/vfio-pci/bind", e));
        w.add(new Write("drivers_probe of an absent address", "bus/pci/drivers_probe", ABSENT));
        w.add(new Write("bind a bogus address", "bus/pci/drivers/vfio-pci/bind", "not-an-address"));
        w.add(new Write("unbind from vfio-pci", dev + "/driver/unbind", e));
        w.add(new Write("clear driver_override", dev + "/driver_override", "\n"));
        w.add(new Write("drivers_probe gives it back to its driver", "bus/pci/drivers_probe", e));
        w.add(new Write("driver_override naming no driver is accepted", dev + "/driver_override", "no_such_driver"));
        w.add(new Write("unbind again", dev + "/driver/unbind", e));
        w.add(new Write("drivers_probe succeeds though nothing claims it", "bus/pci/drivers_probe", e));
        w.add(new Write("clear driver_override again", dev + "/driver_override", "\n"));
        w.add(new Write("drivers_probe back to its driver", "bus/pci/drivers_probe", e));
        w.add(new Write("new_id while the devices are bound is accepted", "bus/pci/drivers/vfio-pci/new_id", "8086 10d3"));
        w.add(new Write("remove_id", "bus/pci/drivers/vfio-pci/remove_id", "8086 10d3"));
        return w;
    }

    /** Runs the writes against {@code sysfs}, observing {@code watched} (the first is the one overridden). */
    static List<Observation> run(Sysfs sysfs, List<Write> writes, List<String> watched) {
        List<Observation> seen = new ArrayList<>();
        for (Write w : writes) {
            String answer;
            try {
                sysfs.write(w.attribute(), w.value());
                answer = "ok";
            } catch (SysfsWriteException ex) {
                answer = Errno.name(ex.errno());
            }
            Map<String, String> drivers = new LinkedHashMap<>();
            for (String d : watched) {
                drivers.put(d, sysfs.linkName("bus/pci/devices/" + d + "/driver").orElse("-"));
            }
            String override = sysfs.read("bus/pci/devices/" + watched.get(0) + "/driver_override").orElse("?").strip();
            seen.add(new Observation(w.label(), answer, drivers, override));
        }
        return seen;
    }

    /**
     * Inside the lab guest only: runs the scenario against the real kernel and writes the observations
     * as JSON. Arguments: OUTPUT.json DEVICE SIBLING.
     */
    public static void main(String[] args) throws IOException {
        LabGuest.requireInsideLab();
        Sysfs real = new Sysfs(HostRoot.system());
        List<Observation> seen = run(real, writes(args[1]), List.of(args[1], args[2]));
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(Path.of(args[0]).toFile(), seen);
    }
}
