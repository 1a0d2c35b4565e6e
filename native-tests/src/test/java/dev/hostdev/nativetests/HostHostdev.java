package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real hostdev jar run on this machine, the lab's host side: one JVM per command, in a private run directory
 * ({@code HOSTDEV_RUN_DIR}), as a user's shell runs it.
 */
final class HostHostdev {
    private HostHostdev() {
    }

    /** A finished command: its exit status and what it printed. */
    record Run(int status, String out, String err) {
        @Override
        public String toString() {
            return "exit " + status + "\n" + out + err;
        }
    }

    /** Runs {@code hostdev ARGS…}; fails the test when it takes longer than {@code limit}. */
    static Run run(Path jar, Path runDir, Duration limit, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("HOSTDEV_RUN_DIR", runDir.toString());
        Path out = Files.createTempFile(runDir.getParent(), "out", ".txt");
        Path err = Files.createTempFile(runDir.getParent(), "err", ".txt");
        Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("hostdev " + String.join(" ", args) + " did not finish in " + limit.toSeconds() + " s");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** Whether process {@code pid} runs. */
    static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * {@code vm stop VM --timeout 2} (the lab's init does not handle the ACPI power button: stop asks, then quits QEMU
     * after 2 s); checks it succeeds and that QEMU {@code qemuPid} is gone within 10 s.
     */
    static void stopAndCheckGone(Path jar, Path runDir, String vm, long qemuPid) throws Exception {
        Run stop = run(jar, runDir, Duration.ofMinutes(2), "vm", "stop", vm, "--timeout", "2");
        assertEquals(0, stop.status(), stop.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (alive(qemuPid) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(alive(qemuPid), "vm stop leaves no QEMU behind (pid " + qemuPid + ")");
    }

    /** Kills QEMU {@code qemuPid} if a failed test left it running. */
    static void killIfAlive(long qemuPid) {
        if (alive(qemuPid)) {
            ProcessHandle.of(qemuPid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }
}
