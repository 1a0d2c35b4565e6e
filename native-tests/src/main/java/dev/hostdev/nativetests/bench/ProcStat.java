package dev.hostdev.nativetests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What /proc says about a process that is not ours to wait for (libvirtd, a VM's supervisor). */
final class ProcStat {
    /** USER_HZ: /proc/PID/stat counts CPU time in ticks of 10 ms on Linux. */
    private static final double MILLIS_PER_TICK = 10.0;

    private ProcStat() {
    }

    /** User + system CPU time of {@code pid} so far, in ms; NaN when it is gone. */
    static double cpuMillis(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // the command name, in parentheses, may hold spaces: count fields after its closing one
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MILLIS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Resident set size of {@code pid} in MiB (VmRSS); NaN when it is gone. */
    static double rssMiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }

    static boolean alive(long pid) {
        return Files.exists(Path.of("/proc/" + pid));
    }
}
