package dev.hostdev.nativetests.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One whole process run as a shell runs it: wall time from fork to exit, and its CPU time (user + system,
 * of it and the children it waited for) and peak RSS from GNU time. The GNU time wrapper costs every side
 * the same fork and exec (about 1 ms).
 *
 * @param wallMillis fork to exit, as the caller of the command waits
 * @param cpuMillis user + system time of the command (10 ms resolution)
 * @param exitCode its exit status
 * @param stdout what it printed on standard output
 */
record ShellRun(double wallMillis, double cpuMillis, int exitCode, String stdout) {
    private static final Path GNU_TIME = Path.of("/usr/bin/time");

    /** Runs {@code command} with {@code env} added; fails unless it exits with one of {@code expected}. */
    static ShellRun of(List<String> command, Map<String, String> env, int... expected) throws IOException, InterruptedException {
        Path times = Files.createTempFile("shellbench-time", ".txt");
        Path out = Files.createTempFile("shellbench-out", ".txt");
        try {
            List<String> argv = new ArrayList<>(List.of(GNU_TIME.toString(), "-f", "%U %S", "-o", times.toString()));
            argv.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(out.toFile()).redirectErrorStream(true);
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("did not finish in 120 s: " + String.join(" ", command));
            }
            double wall = (System.nanoTime() - t0) / 1e6;
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            int rc = p.exitValue();
            boolean ok = false;
            for (int e : expected) {
                ok |= e == rc;
            }
            if (!ok) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + rc + ": " + printed);
            }
            // GNU time writes "Command exited with non-zero status N" before the figures when rc != 0.
            List<String> lines = Files.readAllLines(times);
            String[] userSys = lines.get(lines.size() - 1).trim().split("\\s+");
            double cpu = (Double.parseDouble(userSys[0]) + Double.parseDouble(userSys[1])) * 1000;
            return new ShellRun(wall, cpu, rc, printed);
        } finally {
            Files.deleteIfExists(times);
            Files.deleteIfExists(out);
        }
    }

    static boolean available() {
        return Files.isExecutable(GNU_TIME);
    }
}
