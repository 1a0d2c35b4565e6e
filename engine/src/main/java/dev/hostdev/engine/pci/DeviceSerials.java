package dev.hostdev.engine.pci;

import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The serial numbers sysfs shows for a PCI function: the PCI Express Device Serial Number capability in its
 * {@code config} file, and an NVMe controller's {@code nvme/nvmeN/serial}.
 */
public final class DeviceSerials {
    /** Extended capability ID of the Device Serial Number (PCIe spec 7.9.3). */
    static final int DSN_CAPABILITY = 0x0003;
    /** How much of {@code config} a process without CAP_SYS_ADMIN gets: the kernel stops there. */
    static final int UNPRIVILEGED_CONFIG_BYTES = 64;
    private static final int EXTENDED_START = 0x100;
    private static final int CONFIG_SIZE = 4096;
    private static final Pattern NVME = Pattern.compile("nvme[0-9]{1,5}");

    private DeviceSerials() {
    }

    /**
     * What could be learnt.
     *
     * @param serials the serials found, each as a {@code serial:} selector would match it
     * @param notes   what could not be read and why (e.g. config space cut at 64 bytes without root)
     */
    public record Found(List<String> serials, List<String> notes) {
        /** Copies the lists. */
        public Found {
            serials = List.copyOf(serials);
            notes = List.copyOf(notes);
        }
    }

    /** Reads the serials of the function whose directory is {@code sysfsPath} (relative to /sys). */
    public static Found read(Sysfs sysfs, String sysfsPath) {
        List<String> serials = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Optional<byte[]> config = sysfs.readBytes(sysfsPath + "/config", CONFIG_SIZE);
        if (config.isEmpty()) {
            notes.add("config cannot be read, so its Device Serial Number is unknown");
        } else if (config.get().length <= UNPRIVILEGED_CONFIG_BYTES) {
            notes.add("config reads stop at " + config.get().length + " bytes (the kernel gives more only to root), "
                    + "so the Device Serial Number is unknown: run as root to see it");
        } else {
            dsn(config.get()).ifPresent(serials::add);
        }
        for (String name : sysfs.list(sysfsPath + "/nvme")) {
            if (NVME.matcher(name).matches()) {
                sysfs.read(sysfsPath + "/nvme/" + name + "/serial").map(String::strip).filter(DeviceSerials::printable)
                        .filter(s -> !s.isEmpty()).ifPresent(serials::add);
            }
        }
        return new Found(serials, notes);
    }

    /**
     * The Device Serial Number in a config space image, spelt as lspci does ({@code 00-11-22-33-44-55-66-77},
     * most significant byte first), if the extended capability list holds one.
     */
    public static Optional<String> dsn(byte[] config) {
        int offset = EXTENDED_START;
        for (int hops = 0; hops < (CONFIG_SIZE - EXTENDED_START) / 4 && offset >= EXTENDED_START
                && offset + 12 <= config.length; hops++) {
            long header = u32(config, offset);
            if (header == 0 || header == 0xffff_ffffL) {
                return Optional.empty();
            }
            if ((header & 0xffff) == DSN_CAPABILITY) {
                long low = u32(config, offset + 4);
                long high = u32(config, offset + 8);
                long value = (high << 32) | low;
                StringBuilder b = new StringBuilder();
                for (int shift = 56; shift >= 0; shift -= 8) {
                    if (b.length() > 0) {
                        b.append('-');
                    }
                    b.append(String.format("%02x", (value >>> shift) & 0xff));
                }
                return Optional.of(b.toString());
            }
            int next = (int) ((header >>> 20) & 0xffc);
            if (next <= offset) {
                return Optional.empty(); // a list must go forward; anything else is a loop or its end
            }
            offset = next;
        }
        return Optional.empty();
    }

    /** Whether two serials are the same: a Device Serial Number matches with or without dashes, in any case. */
    public static boolean same(String found, String wanted) {
        if (found.equals(wanted)) {
            return true;
        }
        if (found.matches("([0-9a-f]{2}-){7}[0-9a-f]{2}")) {
            String w = wanted.replace("-", "").replace(":", "").toLowerCase(java.util.Locale.ROOT);
            return found.replace("-", "").equals(w);
        }
        return false;
    }

    static boolean printable(String s) {
        return s.length() <= PciSelector.MAX_LENGTH && s.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    private static long u32(byte[] b, int o) {
        return (b[o] & 0xffL) | (b[o + 1] & 0xffL) << 8 | (b[o + 2] & 0xffL) << 16 | (b[o + 3] & 0xffL) << 24;
    }
}
