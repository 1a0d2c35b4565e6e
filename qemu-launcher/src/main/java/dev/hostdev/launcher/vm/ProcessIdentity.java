package dev.hostdev.launcher.vm;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A process by pid, start time and executable, so that a pid reused by another program after QEMU
 * ended, or a pid written into a record by someone else, is never taken for QEMU (nor signalled): a
 * process is this one only if {@code /proc/PID} shows the recorded start time and executable.
 *
 * @param pid              the process id
 * @param startEpochMillis its start time as the kernel reports it, or 0 when unknown (then it matches no process)
 * @param executable       the path of its executable ({@code /proc/PID/exe}), or {@code null} when unknown
 *                         (then it matches no process)
 * @param bootId           the kernel's boot id ({@code /proc/sys/kernel/random/boot_id}) when it was recorded, or
 *                         {@code null} (a record written before Hostdev kept it): a process of another boot ended
 *                         with that boot, whatever runs under its pid now, so it matches no process
 */
public record ProcessIdentity(long pid, long startEpochMillis, String executable, String bootId) {
    private static final String DELETED = " (deleted)";
    /** How long a process just started through setsid is given to exec its command. */
    private static final long EXEC_WAIT_MILLIS = 2000;
    /** How far two readings of one process's start time may differ: one {@code btime} second and the ticks' rounding. */
    static final long START_TOLERANCE_MILLIS = 2000;

    /** Requires a positive pid. */
    @JsonCreator
    public ProcessIdentity(@JsonProperty("pid") long pid, @JsonProperty("startEpochMillis") long startEpochMillis,
            @JsonProperty("executable") String executable, @JsonProperty("bootId") String bootId) {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
        this.pid = pid;
        this.startEpochMillis = startEpochMillis;
        this.executable = executable;
        this.bootId = bootId;
    }

    /** A process of this boot. */
    public ProcessIdentity(long pid, long startEpochMillis, String executable) {
        this(pid, startEpochMillis, executable, currentBoot());
    }

    /** The running kernel's boot id, or {@code null} if it cannot be read. */
    public static String currentBoot() {
        return CurrentBoot.ID;
    }

    /** Read once: it does not change while a process runs. */
    private static final class CurrentBoot {
        static final String ID = read();

        private static String read() {
            try {
                String id = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
                return id.isEmpty() ? null : id;
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /** Whether it was recorded during another boot than this one: it ended with that boot. */
    @JsonIgnore
    public boolean fromAnotherBoot() {
        return bootId != null && currentBoot() != null && !bootId.equals(currentBoot());
    }

    /** An identity whose executable is read from {@code /proc/PID/exe} now (null if it cannot be). */
    public ProcessIdentity(long pid, long startEpochMillis) {
        this(pid, startEpochMillis, executableOf(pid).orElse(null));
    }

    /** The identity of a running process, its executable as {@code /proc/PID/exe} shows it now. */
    public static ProcessIdentity of(ProcessHandle h) {
        return new ProcessIdentity(h.pid(), h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L));
    }

    /**
     * The identity of a process just started to run {@code command} (a path, or a name looked up on
     * PATH as the process was): its executable is that program's real path, not what
     * {@code /proc/PID/exe} shows at this instant, which is still {@code setsid} when the process
     * starts through it (setsid execs the command in place, keeping the pid).
     */
    public static ProcessIdentity of(ProcessHandle h, String command) {
        long started = h.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
        ProcessIdentity id = new ProcessIdentity(h.pid(), started,
                realPath(command).orElseGet(() -> executableOf(h.pid()).orElse(null)));
        id.awaitExec(h);
        return id;
    }

    /**
     * Waits (at most {@link #EXEC_WAIT_MILLIS}) until the process runs the recorded executable: until setsid
     * has exec'ed the command, {@link #isAlive} rightly says this is not it, and a record written or read in
     * that moment would call a VM's new supervisor gone. Returns at once when the process has ended.
     */
    private void awaitExec(ProcessHandle h) {
        if (executable == null) {
            return;
        }
        long deadline = System.nanoTime() + EXEC_WAIT_MILLIS * 1_000_000L;
        while (h.isAlive() && !executableOf(pid).map(e -> sameExecutable(e, executable)).orElse(false)
                && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static Optional<String> realPath(String command) {
        try {
            if (command.contains("/")) {
                return Optional.of(Path.of(command).toRealPath().toString());
            }
            String path = System.getenv("PATH");
            for (String dir : (path == null ? "/usr/bin:/bin" : path).split(":")) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return Optional.of(candidate.toRealPath().toString());
                }
            }
        } catch (IOException | RuntimeException e) {
            // unknown: the caller reads /proc instead
        }
        return Optional.empty();
    }

    /** The live process this identity names, if it still runs and is the one recorded: the only way to signal it. */
    public Optional<ProcessHandle> handle() {
        return isAlive() ? ProcessHandle.of(pid) : Optional.empty();
    }

    /**
     * Whether it still runs: {@code /proc/PID} shows a process that is not a zombie (ended, not yet
     * reaped: QEMU whose starter has exited waits for init to reap it, which can take seconds), started
     * when recorded, running the recorded executable. The state and the start time are read from
     * {@code /proc/PID/stat} in one read ({@link ProcessHandle.Info} reads four files for it, and a
     * hotplug asks this on every command).
     */
    @JsonIgnore
    public boolean isAlive() {
        if (startEpochMillis == 0 || executable == null || fromAnotherBoot()) {
            return false; // nothing to tell it from another process with this pid, or it ended with its boot
        }
        String stat;
        try (FileInputStream in = new FileInputStream("/proc/" + pid + "/stat")) {
            // the kernel writes the whole line in one read (a few hundred bytes)
            byte[] buf = new byte[1024];
            int n = in.read(buf);
            stat = n > 0 ? new String(buf, 0, n, StandardCharsets.US_ASCII) : "";
        } catch (IOException e) {
            return false;
        }
        ProcStat s = ProcStat.parse(stat);
        if (s == null || s.state() == 'Z' || s.state() == 'X') {
            return false;
        }
        return startsAsRecorded(ProcStat.startEpochMillis(s.startTicks()))
                && executableOf(pid).map(e -> sameExecutable(e, executable)).orElse(false);
    }

    /**
     * Whether a process started at {@code started} (0: unknown) is this one, not another that reuses its pid.
     * Start times are the boot time ({@code btime}, whole seconds, which the kernel derives anew on each read
     * and which may move by a second between two JVMs, e.g. on a loaded VM) plus the process's start ticks: the
     * JVM that recorded the process and the one that checks it may see a second apart for the same process.
     */
    private boolean startsAsRecorded(long started) {
        return started != 0 && Math.abs(started - startEpochMillis) <= START_TOLERANCE_MILLIS;
    }

    /** The executable of a process; a binary replaced on disk (a package upgrade) is still the same program. */
    private static boolean sameExecutable(String seen, String recorded) {
        return strip(seen).equals(strip(recorded));
    }

    private static String strip(String exe) {
        return exe.endsWith(DELETED) ? exe.substring(0, exe.length() - DELETED.length()) : exe;
    }

    private static Optional<String> executableOf(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty(); // gone, a kernel thread, or not ours to inspect
        }
    }
}
