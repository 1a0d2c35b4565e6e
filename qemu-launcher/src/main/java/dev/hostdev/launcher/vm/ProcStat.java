package dev.hostdev.launcher.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The fields of {@code /proc/PID/stat} that tell whether a process still runs and which process it is:
 * its state letter and its start time, in clock ticks since boot.
 *
 * @param state      R, S, D, Z (zombie), X (dead), …
 * @param startTicks field 22, {@code starttime}
 */
public record ProcStat(char state, long startTicks) {
    /** USER_HZ, the unit of starttime: 100 on every Linux architecture Hostdev runs on. */
    public static final long TICKS_PER_SECOND = 100;
    private static volatile long bootEpochMillis = -1;

    /** Parses the line, or {@code null} if it is not one. The command name may hold spaces and ')'. */
    public static ProcStat parse(String line) {
        int close = line.lastIndexOf(')');
        if (close < 0 || close + 2 >= line.length()) {
            return null;
        }
        String[] f = line.substring(close + 2).trim().split(" ");
        // f[0] is field 3 (state); starttime is field 22
        if (f.length < 20 || f[0].isEmpty()) {
            return null;
        }
        try {
            return new ProcStat(f[0].charAt(0), Long.parseLong(f[19]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * A start time in ticks since boot as milliseconds since the epoch, computed as the JDK's
     * {@link ProcessHandle.Info#startInstant()} does (boot time from {@code btime} in /proc/stat); 0 if
     * the boot time is unknown.
     */
    static long startEpochMillis(long startTicks) {
        long boot = bootEpochMillis;
        if (boot < 0) {
            boot = readBootEpochMillis();
            bootEpochMillis = boot;
        }
        return boot == 0 ? 0 : boot + startTicks * 1000 / TICKS_PER_SECOND;
    }

    private static long readBootEpochMillis() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/stat"))) {
                if (l.startsWith("btime ")) {
                    return Long.parseLong(l.substring(6).trim()) * 1000;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // unknown: callers then do not compare start times
        }
        return 0;
    }
}
