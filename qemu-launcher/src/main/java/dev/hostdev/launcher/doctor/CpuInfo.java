package dev.hostdev.launcher.doctor;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What {@code /proc/cpuinfo} says about the first CPU: its vendor and flags.
 *
 * @param vendor  {@code GenuineIntel}, {@code AuthenticAMD}, or empty when unknown
 * @param flags   the CPU flags
 */
public record CpuInfo(String vendor, Set<String> flags) {
    /** Copies the flags. */
    public CpuInfo {
        vendor = vendor == null ? "" : vendor;
        flags = Set.copyOf(flags);
    }

    /** Reads the first processor's vendor and flags. */
    public static CpuInfo read(HostFiles files) {
        String vendor = "";
        Set<String> flags = Set.of();
        for (String line : files.lines("/proc/cpuinfo")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (key.equals("vendor_id") && vendor.isEmpty()) {
                vendor = value;
            } else if (key.equals("flags") && flags.isEmpty()) {
                flags = Arrays.stream(value.split("\\s+")).collect(Collectors.toSet());
            }
        }
        return new CpuInfo(vendor, flags);
    }

    /** Whether the CPU is AMD's (else Intel's kernel parameters are named in fixes). */
    public boolean isAmd() {
        return vendor.equals("AuthenticAMD") || vendor.equals("HygonGenuine");
    }
}
