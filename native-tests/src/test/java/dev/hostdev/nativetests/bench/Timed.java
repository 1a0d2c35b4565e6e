package dev.hostdev.nativetests.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command, output discarded, and measures its wall time and, through GNU time when it is
 * installed, its CPU time (user + system): on a busy machine the wall time mostly measures the wait
 * for a CPU, the CPU time what the command itself costs.
 */
final class Timed {
    private static final Path GNU_TIME = Path.of("/usr/bin/time");
    private final String name;
    private final List<String> command;
    private final List<Double> wallMillis = new ArrayList<>();
    private final List<Double> cpuMillis = new ArrayList<>();

    Timed(String name, List<String> command) {
        this.name = name;
        this.command = List.copyOf(command);
    }

    static boolean cpuTimeAvailable() {
        return Files.isExecutable(GNU_TIME);
    }

    /** Runs once without keeping the figures. */
    void warmUp() throws IOException, InterruptedException {
        run();
        wallMillis.remove(wallMillis.size() - 1);
        if (!cpuMillis.isEmpty()) {
            cpuMillis.remove(cpuMillis.size() - 1);
        }
    }

    /** Runs once; fails if the command does not exit 0 within a minute. */
    void run() throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>();
        Path times = null;
        if (cpuTimeAvailable()) {
            times = Files.createTempFile("hostdev-bench-time", ".txt");
            argv.addAll(List.of(GNU_TIME.toString(), "-f", "%U %S", "-o", times.toString()));
        }
        argv.addAll(command);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not finish in 60 s: " + String.join(" ", command));
        }
        long t1 = System.nanoTime();
        if (p.exitValue() != 0) {
            throw new IllegalStateException(name + " exited " + p.exitValue() + ": " + String.join(" ", command));
        }
        wallMillis.add((t1 - t0) / 1e6);
        if (times != null) {
            String[] userSys = Files.readString(times).trim().split("\\s+");
            Files.delete(times);
            cpuMillis.add((Double.parseDouble(userSys[0]) + Double.parseDouble(userSys[1])) * 1000);
        }
    }

    double medianWall() {
        return median(wallMillis);
    }

    double medianCpu() {
        return cpuMillis.isEmpty() ? Double.NaN : median(cpuMillis);
    }

    String name() {
        return name;
    }

    String samples() {
        StringBuilder s = new StringBuilder();
        for (double m : wallMillis) {
            s.append(s.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.0f", m));
        }
        return s.toString();
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Runs the commands in turn, {@code rounds} times (interleaved, so load changes hit all alike). */
    static void interleave(int rounds, Timed... all) throws IOException, InterruptedException {
        for (int i = 0; i < rounds; i++) {
            for (Timed t : all) {
                t.run();
            }
        }
    }
}
