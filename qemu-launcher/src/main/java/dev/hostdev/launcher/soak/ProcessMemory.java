package dev.hostdev.launcher.soak;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's resident memory as the kernel reports it ({@code VmRSS} in {@code /proc/PID/status}). Processes are
 * the machine's own, so this reads the real {@code /proc} (as {@code ProcessIdentity} does), not one under
 * {@code --root}; tests give another directory.
 */
public final class ProcessMemory {
    private final Path proc;

    /** Reads {@code proc/PID/status}. */
    public ProcessMemory(Path proc) {
        this.proc = proc;
    }

    /** Reads the real {@code /proc}. */
    public static ProcessMemory system() {
        return new ProcessMemory(Path.of("/proc"));
    }

    /** {@code VmRSS} of {@code pid} in KiB, or {@code null} when it cannot be read (no such process, or a kernel thread). */
    public Long rssKib(long pid) {
        if (pid <= 0) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(proc.resolve(Long.toString(pid)).resolve("status"), StandardCharsets.ISO_8859_1)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return parts.length == 2 && parts[1].equals("kB") ? Long.parseLong(parts[0]) : null;
                }
            }
        } catch (IOException | NumberFormatException | java.io.UncheckedIOException e) {
            return null;
        }
        return null;
    }
}
