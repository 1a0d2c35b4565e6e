package dev.hostdev.launcher.cli;

import dev.hostdev.launcher.soak.CycleResult;
import dev.hostdev.launcher.soak.LatencyStats;
import dev.hostdev.launcher.soak.SoakRunner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The progress line of {@code hostdev soak} on stderr: on a terminal one line rewritten in place (at most ten times
 * a second); elsewhere (with {@code --progress}) a line every twentieth of the run and at each failure, so a log
 * stays readable.
 */
final class SoakProgress implements SoakRunner.Listener {
    private final PrintWriter err;
    private final int total;
    private final boolean enabled;
    private final boolean terminal;
    private long lastDraw;
    private boolean drawn;

    SoakProgress(PrintWriter err, int total, boolean enabled) {
        this.err = err;
        this.total = total;
        this.enabled = enabled;
        this.terminal = stderrIsTerminal();
    }

    /** Whether this process's stderr is a terminal ({@code /proc/self/fd/2} leads to a tty or pty). */
    static boolean stderrIsTerminal() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    @Override
    public void cycleDone(CycleResult done, int passed, int failed) {
        if (!enabled) {
            return;
        }
        String text = "soak: cycle " + done.cycle() + "/" + total + ", " + passed + " passed, " + failed + " failed, last cycle "
                + LatencyStats.millis(done.cycleNanos()) + " ms" + (done.passed() ? "" : " (FAILED: " + done.failure().phase().jsonName() + ")");
        if (terminal) {
            long now = System.nanoTime();
            if (now - lastDraw > 100_000_000L || done.cycle() == total || !done.passed()) {
                err.print("\r\033[K" + text);
                err.flush();
                lastDraw = now;
                drawn = true;
            }
        } else if (done.cycle() % Math.max(1, total / 20) == 0 || done.cycle() == total || !done.passed()) {
            err.println(text);
            err.flush();
        }
    }

    /** Ends the line on a terminal. */
    void finish() {
        if (enabled && terminal && drawn) {
            err.println();
            err.flush();
        }
    }
}
