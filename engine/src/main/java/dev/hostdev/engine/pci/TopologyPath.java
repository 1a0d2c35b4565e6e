package dev.hostdev.engine.pci;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A device's place in the PCI topology without bus numbers: {@code pci0000:00/1c.0/00.0} is the device at
 * 00.0 behind the bridge at 1c.0 of root bus {@code pci0000:00}. Firmware renumbers buses when a bridge is
 * added or moved; the hops from the root bus change only when the hardware is plugged differently.
 */
public final class TopologyPath {
    private static final Pattern ROOT_BUS = Pattern.compile("pci[0-9a-f]{4,8}:[0-9a-f]{2}");

    private TopologyPath() {
    }

    /**
     * The path of a device from its directory under {@code /sys}.
     *
     * @param sysfsPath e.g. {@code devices/pci0000:00/0000:00:1c.0/0000:01:00.0} ({@link PciDevice#sysfsPath()})
     * @return e.g. {@code pci0000:00/1c.0/00.0}, or empty when the directory is not under a PCI root bus
     */
    public static Optional<String> of(String sysfsPath) {
        String[] parts = sysfsPath.split("/");
        if (parts.length < 3 || !parts[0].equals("devices") || !ROOT_BUS.matcher(parts[1]).matches()) {
            return Optional.empty();
        }
        StringBuilder b = new StringBuilder(parts[1]);
        for (int i = 2; i < parts.length; i++) {
            String part = parts[i];
            if (ROOT_BUS.matcher(part).matches()) {
                // A root bus inside a device (Intel VMD's domain 10000:, …): kept whole, as it starts a new domain.
                b.append('/').append(part);
                continue;
            }
            PciAddress a = PciAddress.tryParse(part);
            if (a == null || !part.equals(a.toString())) {
                return Optional.empty();
            }
            b.append('/').append(String.format("%02x.%x", a.slot(), a.function()));
        }
        return Optional.of(b.toString());
    }
}
