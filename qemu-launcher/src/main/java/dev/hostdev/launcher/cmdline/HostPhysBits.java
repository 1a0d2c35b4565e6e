package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.doctor.HostFiles;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The host CPU's physical address width: {@code address sizes : 46 bits physical, 48 bits virtual} in /proc/cpuinfo. */
public final class HostPhysBits {
    private static final Pattern LINE = Pattern.compile("address sizes\\s*:\\s*(\\d{1,2}) bits physical.*");

    private HostPhysBits() {
    }

    /** The first CPU's physical address bits; empty when absent or not a number in 32..52. */
    public static OptionalInt read(HostFiles files) {
        for (String line : files.lines("/proc/cpuinfo")) {
            Matcher m = LINE.matcher(line.strip());
            if (m.matches()) {
                int bits = Integer.parseInt(m.group(1));
                return bits >= 32 && bits <= 52 ? OptionalInt.of(bits) : OptionalInt.empty();
            }
        }
        return OptionalInt.empty();
    }
}
