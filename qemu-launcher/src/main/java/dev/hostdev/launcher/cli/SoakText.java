package dev.hostdev.launcher.cli;

import dev.hostdev.launcher.soak.LatencyStats;
import dev.hostdev.launcher.soak.SoakFailure;
import dev.hostdev.launcher.soak.SoakReport;
import java.io.PrintWriter;
import java.nio.file.Path;

/** {@code hostdev soak}'s report for people. */
final class SoakText {
    private SoakText() {
    }

    static void print(PrintWriter out, SoakReport r, Path plot) {
        out.println("soak of " + String.join(", ", r.devices()) + " on VM " + r.vm() + ": " + r.cycles().size() + " of "
                + r.cyclesRequested() + " cycles run, " + r.passed() + " passed, " + r.failed() + " failed ("
                + LatencyStats.millis(r.wallNanos()).replaceAll("\\.\\d$", "") + " ms)");
        row(out, "attach", r.add());
        row(out, "guest-visible", r.guestVisible());
        row(out, "unplug", r.del());
        row(out, "cycle", r.cycle());
        out.println("memory (VmRSS): hostdev " + kib(r.start().hostdevKib()) + " -> " + kib(r.end().hostdevKib()) + ", QEMU "
                + kib(r.start().qemuKib()) + " -> " + kib(r.end().qemuKib()));
        if (r.healthChecks() > 0) {
            out.println("host device health checks: " + r.healthChecks());
        }
        for (SoakFailure f : r.failures().stream().limit(SoakJson.MAX_FAILURES).toList()) {
            out.println("failed " + f.describe());
        }
        if (plot != null) {
            out.println("plot: " + plot);
        }
    }

    private static void row(PrintWriter out, String what, LatencyStats s) {
        out.printf("  %-14s %s%n", what, s == null ? "not measured" + (what.equals("guest-visible") ? " (no --guest-check)" : "")
                : s.describe() + " (" + s.count() + ")");
    }

    private static String kib(Long k) {
        return k == null ? "?" : (k / 1024) + " MiB";
    }
}
