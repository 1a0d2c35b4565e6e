package dev.hostdev.engine.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Child JVMs that race for a lock or a device: each runs a contender's {@code main} on this test's class path,
 * prints {@code READY}, waits for a start file, then prints one result line. {@link #race} lets them all go at
 * once; {@link #close} kills whatever is still running.
 */
public final class Contenders implements AutoCloseable {
    private final List<Process> processes = new ArrayList<>();
    private final List<BufferedReader> outputs = new ArrayList<>();

    /** Starts one contender: {@code main} with {@code args}, its stderr folded into its stdout. */
    public Process spawn(Class<?> main, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp",
                System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        processes.add(p);
        outputs.add(new BufferedReader(new InputStreamReader(p.getInputStream())));
        return p;
    }

    /** The next line contender {@code i} printed. */
    public String readLine(int i) throws IOException {
        return outputs.get(i).readLine();
    }

    /**
     * Waits until every contender said {@code READY}, creates {@code start}, and returns each one's result line.
     *
     * @throws AssertionError if one said something else than READY first
     */
    public List<String> race(Path start) throws IOException {
        for (int i = 0; i < outputs.size(); i++) {
            String ready = readLine(i);
            if (!"READY".equals(ready)) {
                throw new AssertionError("contender " + i + " said " + ready + " instead of READY");
            }
        }
        Files.createFile(start);
        List<String> results = new ArrayList<>();
        for (int i = 0; i < outputs.size(); i++) {
            results.add(readLine(i));
        }
        return results;
    }

    /** Whether every contender ended within {@code seconds}. */
    public boolean allEndWithin(long seconds) throws InterruptedException {
        for (Process p : processes) {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
