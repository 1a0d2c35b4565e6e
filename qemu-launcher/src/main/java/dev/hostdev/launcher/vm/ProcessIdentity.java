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
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> startsAsRecorded(h.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L)));
    }

    /**
     * Whether it still runs. A zombie (ended, not yet reaped: QEMU whose starter has exited waits for
     * init to reap it, which can take seconds) counts as ended. One read of {@code /proc/PID/stat}: the
     * state and the start time are both there ({@link ProcessHandle.Info} reads four files for it,
     * and a hotplug asks this on every command).
     */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isAlive() {
        String stat;
        try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/" + pid + "/stat")) {
            // the kernel writes the whole line in one read (a few hundred bytes)
            byte[] buf = new byte[1024];
            int n = in.read(buf);
            stat = n > 0 ? new String(buf, 0, n, java.nio.charset.StandardCharsets.US_ASCII) : "";
        } catch (java.io.IOException e) {
            return false;
        }
        ProcStat s = ProcStat.parse(stat);
        if (s == null) {
            return handle().isPresent();
        }
        if (s.state() == 'Z' || s.state() == 'X') {
            return false;
        }
        return startsAsRecorded(ProcStat.startEpochMillis(s.startTicks()));
    }

    /** Whether a process started at {@code started} (0: unknown) is this one, not another that reuses its pid. */
    private boolean startsAsRecorded(long started) {
        return startEpochMillis == 0 || started == 0 || Math.abs(started - startEpochMillis) < 1000;
    }
}
