package dev.hostdev.launcher.lab;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The guest kernel's own view of some PCI devices, read by a shell step rather than asked of Hostdev:
 * the driver each is bound to (its {@code driver} link; {@code -} for none) and the groups in
 * {@code /dev/vfio}.
 *
 * @param drivers driver by device address
 * @param vfio    the entries of {@code /dev/vfio} (group numbers and {@code vfio})
 */
public record KernelView(Map<String, String> drivers, List<String> vfio) {
    /** Copies. */
    public KernelView {
        drivers = Map.copyOf(drivers);
        vfio = List.copyOf(vfio);
    }

    /** The shell script that prints {@code ADDRESS DRIVER} for each device and {@code vfio: …}. */
    public static String script(List<String> devices) {
        return "for d in " + String.join(" ", devices) + "; do "
                + "l=$(readlink /sys/bus/pci/devices/$d/driver) && echo \"$d ${l##*/}\" || echo \"$d -\"; done; "
                + "echo \"vfio: $(ls /dev/vfio 2>/dev/null | tr '\\n' ' ')\"";
    }

    /** Parses {@link #script}'s output. */
    public static KernelView parse(String out) {
        Map<String, String> drivers = new HashMap<>();
        List<String> vfio = List.of();
        for (String line : out.split("\n")) {
            if (line.startsWith("vfio:")) {
                String v = line.substring(5).strip();
                vfio = v.isEmpty() ? List.of() : List.of(v.split("\\s+"));
            } else {
                String[] f = line.strip().split("\\s+");
                if (f.length == 2) {
                    drivers.put(f[0], f[1]);
                }
            }
        }
        return new KernelView(drivers, vfio);
    }

    /** The driver of a device, or {@code ?} when it was not read. */
    public String driver(String address) {
        return drivers.getOrDefault(address, "?");
    }

    /** Whether {@code /dev/vfio/GROUP} exists. */
    public boolean hasVfioGroup(String group) {
        return vfio.contains(group);
    }

    /** The groups in {@code /dev/vfio} (without the container {@code vfio}). */
    public List<String> vfioGroups() {
        return vfio.stream().filter(v -> !v.equals("vfio")).toList();
    }
}
