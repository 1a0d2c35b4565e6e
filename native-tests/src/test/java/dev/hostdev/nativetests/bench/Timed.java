package dev.hostdev.nativetests.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command, output discarded, and measures its wall time; keeps each command's samples. */
final class Timed {
    private final String name;
    private final List<String> command;
    private final List<Double> millis = new ArrayList<>();

    Timed(String name, List<String> command) {
        this.name = name;
        this.command = List.copyOf(command);
    }

    /** Runs once without keeping the time. */
    void warmUp() throws IOException, InterruptedException {
        run();
        millis.remove(millis.size() - 1);
    }

    /** Runs once; fails if the command does not exit 0 within a minute. */
    void run() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(name + " did not finish in 60 s: " + String.join(" ", command));
        }
        long t1 = System.nanoTime();
        if (p.exitValue() != 0) {
            throw new IllegalStateException(name + " exited " + p.exitValue() + ": " + String.join(" ", command));
        }
        millis.add((t1 - t0) / 1e6);
    }

    double median() {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    String name() {
        return name;
    }

    List<String> command() {
        return command;
    }

    String samples() {
        StringBuilder s = new StringBuilder();
        for (double m : millis) {
            s.append(s.length() == 0 ? "" : " ").append(String.format("%.0f", m));
        }
        return s.toString();
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
