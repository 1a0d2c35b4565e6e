package dev.hostdev.launcher.soak;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The health of host PCI devices after each release, read through {@link Sysfs} (so under {@code --root}, and only
 * read): the device is still there, its config space answers with the vendor and device it had, its PCIe link is
 * up at the width and speed it had (when the kernel shows a link), it is in D0 or the power state it was in before
 * the soak (vfio-pci lets an idle device sleep in D3hot), and it is on the driver it was on before the soak.
 * The "before" is read once, when this is made.
 */
public final class DeviceHealth implements HealthCheck {
    /**
     * A device as it was before the soak.
     *
     * @param vendor     from config space
     * @param device     from config space
     * @param driver     its driver, or {@code null}
     * @param powerState {@code power_state}, or {@code null} when the kernel does not show it
     * @param linkWidth  {@code current_link_width}, or {@code null} when there is no link to read
     * @param linkSpeed  {@code current_link_speed}, or {@code null}
     */
    record Baseline(int vendor, int device, String driver, String powerState, Integer linkWidth, String linkSpeed) {
    }

    private final Sysfs sysfs;
    private final Map<PciAddress, Baseline> before = new HashMap<>();

    /**
     * Reads each device's state now, as the state it must come back to.
     *
     * @throws HostdevException NOT_FOUND when a device is not on the host, or its config space cannot be read
     */
    public DeviceHealth(Sysfs sysfs, List<PciAddress> devices) {
        this.sysfs = sysfs;
        for (PciAddress a : devices) {
            String dir = dir(a);
            if (!sysfs.exists(dir)) {
                throw HostdevException.notFound("PCI device " + a + " is not on this host", "check the address with 'hostdev list'");
            }
            int[] ids = config(a).orElseThrow(() -> HostdevException.notFound("the config space of " + a
                    + " cannot be read (" + sysfs.root().display(sysfs.path(dir + "/config")) + ")", "run as root"));
            before.put(a, new Baseline(ids[0], ids[1], driver(a), sysfs.read(dir + "/power_state").orElse(null),
                    width(a).orElse(null), sysfs.read(dir + "/current_link_speed").orElse(null)));
        }
    }

    @Override
    public List<String> problems(PciAddress a) {
        Baseline b = before.get(a);
        if (b == null) {
            throw new IllegalArgumentException("no baseline for " + a);
        }
        String dir = dir(a);
        List<String> problems = new ArrayList<>();
        if (!sysfs.exists(dir)) {
            problems.add(a + " is gone from /sys/bus/pci/devices");
            return problems;
        }
        Optional<int[]> ids = config(a);
        if (ids.isEmpty()) {
            problems.add("the config space of " + a + " cannot be read");
        } else if (ids.get()[0] == 0xffff) {
            problems.add("the config space of " + a + " reads all ones: the device does not answer (a fatal error, or it fell off the bus)");
        } else if (ids.get()[0] != b.vendor() || ids.get()[1] != b.device()) {
            problems.add("the config space of " + a + " reads " + hex(ids.get()[0]) + ":" + hex(ids.get()[1]) + ", it was "
                    + hex(b.vendor()) + ":" + hex(b.device()));
        }
        if (b.linkWidth() != null && b.linkWidth() > 0) {
            Optional<Integer> w = width(a);
            if (w.isEmpty() || w.get() == 0) {
                problems.add("the PCIe link of " + a + " is down (current_link_width " + w.map(String::valueOf).orElse("unreadable")
                        + ", it was x" + b.linkWidth() + ")");
            } else if (w.get() < b.linkWidth()) {
                problems.add("the PCIe link of " + a + " trained down from x" + b.linkWidth() + " to x" + w.get());
            } else {
                String speed = sysfs.read(dir + "/current_link_speed").orElse(null);
                if (b.linkSpeed() != null && speed != null && !speed.equals(b.linkSpeed())) {
                    problems.add("the PCIe link of " + a + " runs at " + speed + ", it was " + b.linkSpeed());
                }
            }
        }
        Optional<String> power = sysfs.read(dir + "/power_state");
        if (power.isPresent() && !power.get().equals("D0") && !power.get().equals(b.powerState())) {
            problems.add(a + " is in power state " + power.get() + " (it was " + (b.powerState() == null ? "unknown" : b.powerState())
                    + " before the soak; D0 is on)");
        }
        String driver = driver(a);
        if (b.driver() != null && !b.driver().equals(driver)) {
            problems.add(a + " is on " + (driver == null ? "no driver" : "driver " + driver) + ", it was on " + b.driver());
        } else if (b.driver() == null && driver != null) {
            problems.add(a + " is on driver " + driver + ", it had no driver before the soak");
        }
        return problems;
    }

    @Override
    public List<String> describe(PciAddress a) {
        Baseline b = before.get(a);
        List<String> lines = new ArrayList<>();
        lines.add("config space of " + a + " reads " + hex(b.vendor()) + ":" + hex(b.device()));
        if (b.linkWidth() != null && b.linkWidth() > 0) {
            lines.add("PCIe link up at x" + b.linkWidth() + (b.linkSpeed() == null ? "" : " " + b.linkSpeed()));
        }
        if (b.powerState() != null) {
            lines.add("power state D0" + (b.powerState().equals("D0") ? "" : " or " + b.powerState()));
        }
        lines.add("on " + (b.driver() == null ? "no driver" : "driver " + b.driver()));
        return lines;
    }

    private static String dir(PciAddress a) {
        return "bus/pci/devices/" + a;
    }

    private Optional<int[]> config(PciAddress a) {
        return sysfs.readBytes(dir(a) + "/config", 4).filter(b -> b.length == 4)
                .map(b -> new int[] {(b[0] & 0xff) | (b[1] & 0xff) << 8, (b[2] & 0xff) | (b[3] & 0xff) << 8});
    }

    private Optional<Integer> width(PciAddress a) {
        return sysfs.read(dir(a) + "/current_link_width").flatMap(s -> {
            try {
                return Optional.of(Integer.parseInt(s.strip()));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        });
    }

    private String driver(PciAddress a) {
        return sysfs.linkName(dir(a) + "/driver").orElse(null);
    }

    private static String hex(int v) {
        return String.format(Locale.ROOT, "%04x", v);
    }
}
