package dev.hostdev.launcher.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a QEMU ended, told by its waiter: its exit status, and the reason of its last shutdown request, which QEMU
 * traces ({@code -trace enable=qemu_system_shutdown_request -D shutdown.trace}) as the number of its
 * {@code ShutdownCause}, the same reason its {@code SHUTDOWN} event carries. QEMU exits with 0 after a shutdown
 * request; a signal it does not catch (SIGKILL) or an abort leave no request: a crash, as the monitor-based
 * supervisor recorded it ({@link VmEnd#NO_SHUTDOWN_EVENT}).
 */
final class ExitReason {
    /** The trace event QEMU logs for every shutdown request, with its cause. */
    static final String TRACE_EVENT = "qemu_system_shutdown_request";
    /** QEMU's {@code ShutdownCause} in order (qapi/run-state.json; stable since QEMU 4.0, new causes are appended). */
    private static final List<String> CAUSES = List.of("none", "host-error", "host-qmp-quit", "host-qmp-system-reset", "host-signal",
            "host-ui", "guest-shutdown", "guest-reset", "guest-panic", "subsystem-reset", "snapshot-load");
    private static final Pattern LINE = Pattern.compile("(?:^|[\\s:])" + TRACE_EVENT + " reason=(\\d{1,3})\\s*$");
    /** How much of the trace's end is read: it holds one line per shutdown request. */
    private static final int TAIL = 4096;

    private ExitReason() {
    }

    /** Where a VM's QEMU traces its shutdown requests. */
    static Path traceFile(VmRuntimeDir dir) {
        return traceFile(dir.dir());
    }

    /** The file QEMU traces its shutdown requests to, in a VM's runtime directory. */
    public static Path traceFile(Path vmDir) {
        return vmDir.resolve("shutdown.trace");
    }

    /**
     * The end of a QEMU that exited with {@code status}, its trace read from {@code trace}. A signal QEMU catches
     * (SIGTERM, SIGINT, SIGHUP) ends it without a traced request: QEMU's last words in its log say so.
     */
    static VmEnd of(int status, Path trace, Path qemuLog) {
        if (status != 0) {
            return VmEnd.withoutShutdownEvent(); // killed by a signal it does not catch, or failed: no shutdown was requested
        }
        if (lastCause(trace).isEmpty() && endedBySignal(qemuLog)) {
            return new VmEnd("host-signal", false, java.time.Instant.now().toString());
        }
        return lastCause(trace).map(c -> new VmEnd(c, c.startsWith("guest-"), java.time.Instant.now().toString()))
                .orElseGet(() -> new VmEnd("unknown", null, java.time.Instant.now().toString()));
    }

    /** The end QEMU traced, if it shut down on a request (whatever its exit status, which the caller may not know). */
    static Optional<VmEnd> traced(VmRuntimeDir dir) {
        if (lastCause(traceFile(dir)).isEmpty() && endedBySignal(dir.qemuLog())) {
            return Optional.of(new VmEnd("host-signal", false, java.time.Instant.now().toString()));
        }
        return lastCause(traceFile(dir)).map(c -> new VmEnd(c, c.startsWith("guest-"), java.time.Instant.now().toString()));
    }

    /** Whether QEMU's last line of output is its "terminating on signal N" (it prints it when a signal ends it). */
    static boolean endedBySignal(Path qemuLog) {
        String text = tail(qemuLog);
        String[] lines = text.strip().split("\n");
        return lines.length > 0 && SIGNAL.matcher(lines[lines.length - 1]).find();
    }

    private static final Pattern SIGNAL = Pattern.compile(": terminating on signal \\d{1,2}( from pid \\d+)?");

    /** The end of a file Hostdev wrote in the VM's directory, or "" when it cannot be read. */
    private static String tail(Path file) {
        try (java.nio.channels.SeekableByteChannel ch = Files.newByteChannel(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            long size = ch.size();
            ch.position(Math.max(0, size - TAIL));
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(size, TAIL));
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // read the tail
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** The exit status in words: "exit status 0", "killed by signal 9". */
    static String describeStatus(int status) {
        return status > 128 ? "killed by signal " + (status - 128) : "exit status " + status;
    }

    /** The cause of the last shutdown request in the trace; untrusted text: only a known number counts. */
    static Optional<String> lastCause(Path trace) {
        String text = tail(trace);
        String cause = null;
        for (String line : text.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (m.find()) {
                int n = Integer.parseInt(m.group(1));
                cause = n < CAUSES.size() ? CAUSES.get(n) : "unknown";
            }
        }
        return Optional.ofNullable(cause);
    }
}
