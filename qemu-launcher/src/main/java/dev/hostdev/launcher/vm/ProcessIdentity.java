package dev.hostdev.launcher.vm;

import java.util.Optional;

/**
 * A process by pid and start time, so that a pid reused by another program after QEMU ended is
 * never taken for QEMU (nor killed).
 *
 * @param pid             the process id
 * @param startEpochMillis its start time as the kernel reports it, or 0 when unknown
 */
public record ProcessIdentity(long pid, long startEpochMillis) {
    /** Requires a positive pid. */
    public ProcessIdentity {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
    }

    /** The identity of a running process. */
    public static ProcessIdentity of(ProcessHandle h) {
        return new ProcessIdentity(h.pid(), h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L));
    }

    /** The live process this identity names, if it still runs. */
    public Optional<ProcessHandle> handle() {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> startEpochMillis == 0
                || h.info().startInstant().map(i -> Math.abs(i.toEpochMilli() - startEpochMillis) < 1000).orElse(true));
    }

    /**
     * Whether it still runs. A zombie (ended, not yet reaped: QEMU whose starter has exited waits for
     * init to reap it, which can take seconds) counts as ended.
     */
    public boolean isAlive() {
        return handle().isPresent() && !isZombie(pid);
    }

    /** Whether /proc says the process has ended and waits to be reaped (state Z or X). */
    static boolean isZombie(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')');
            char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
            return state == 'Z' || state == 'X';
        } catch (java.io.IOException e) {
            return !ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }
    }
}
