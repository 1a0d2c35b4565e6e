package dev.hostdev.launcher.soak;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The latencies of a soak as an SVG chart over the cycles: one line each for attach, guest-visible, unplug and the
 * whole cycle, failed cycles marked in red. Plain SVG 1.1 (no script, no external reference), small enough to
 * write by hand rather than pull in a charting library.
 */
public final class LatencyPlot {
    private static final int WIDTH = 900;
    private static final int HEIGHT = 420;
    private static final int LEFT = 70;
    private static final int RIGHT = 170;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;

    private record Series(String name, String colour, Function<CycleResult, Long> value) {
    }

    private LatencyPlot() {
    }

    /** The chart of {@code report}. */
    public static String svg(SoakReport report) {
        List<Series> series = List.of(
                new Series("cycle", "#444444", c -> c.cycleNanos()),
                new Series("unplug (del)", "#1f77b4", c -> sum(c.delNanos())),
                new Series("guest-visible", "#2ca02c", CycleResult::guestVisible),
                new Series("attach (add)", "#ff7f0e", c -> sum(c.addNanos())));
        List<CycleResult> cycles = report.cycles();
        long maxNanos = 1;
        for (CycleResult c : cycles) {
            for (Series s : series) {
                Long v = s.value().apply(c);
                if (v != null) {
                    maxNanos = Math.max(maxNanos, v);
                }
            }
        }
        double maxMs = niceCeiling(maxNanos / 1e6);
        int n = Math.max(1, cycles.size());
        double plotW = WIDTH - LEFT - RIGHT;
        double plotH = HEIGHT - TOP - BOTTOM;
        Function<Integer, Double> x = cycle -> LEFT + (n == 1 ? plotW / 2 : (cycle - 1) * plotW / (n - 1));
        Function<Double, Double> y = ms -> TOP + plotH - Math.min(ms, maxMs) / maxMs * plotH;

        StringBuilder b = new StringBuilder();
        b.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n",
                WIDTH, HEIGHT, WIDTH, HEIGHT));
        b.append(f("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        b.append(f("<text x=\"%d\" y=\"22\" font-size=\"14\">%s</text>%n", LEFT, escape("hostdev soak " + report.vm() + ": "
                + String.join(", ", report.devices()) + " — " + report.cycles().size() + " cycles, " + report.failed() + " failed")));
        for (int i = 0; i <= 5; i++) {
            double ms = maxMs * i / 5;
            double yy = y.apply(ms);
            b.append(f("<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>%n", LEFT, yy, LEFT + plotW, yy));
            b.append(f("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT - 6, yy + 4, trim(ms)));
        }
        b.append(f("<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" text-anchor=\"middle\">latency (ms)</text>%n",
                TOP + plotH / 2, TOP + plotH / 2));
        for (int i = 0; i <= Math.min(10, n - 1); i++) {
            int cycle = n == 1 ? 1 : 1 + (int) Math.round((double) i * (n - 1) / Math.min(10, n - 1));
            double xx = x.apply(cycle);
            b.append(f("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999999\"/>%n", xx, TOP + plotH, xx, TOP + plotH + 4));
            b.append(f("<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%d</text>%n", xx, TOP + plotH + 18, cycle));
        }
        b.append(f("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">cycle</text>%n", LEFT + plotW / 2, HEIGHT - 10));
        b.append(f("<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#999999\"/>%n", LEFT, TOP, plotW, plotH));
        for (CycleResult c : cycles) {
            if (!c.passed()) {
                double xx = x.apply(c.cycle());
                b.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d62728\" stroke-width=\"2\"><title>%s</title></line>%n",
                        xx, TOP, xx, TOP + plotH, escape(c.failure().describe())));
            }
        }
        int legendY = TOP + 10;
        for (Series s : series) {
            List<String> points = new ArrayList<>();
            for (CycleResult c : cycles) {
                Long v = s.value().apply(c);
                if (v != null && c.passed()) {
                    points.add(f("%.1f,%.1f", x.apply(c.cycle()), y.apply(v / 1e6)));
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            if (points.size() == 1) {
                String[] p = points.get(0).split(",");
                b.append(f("<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>%n", p[0], p[1], s.colour()));
            } else {
                b.append(f("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" points=\"%s\"/>%n", s.colour(), String.join(" ", points)));
            }
            b.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                    LEFT + plotW + 15, legendY, LEFT + plotW + 35, legendY, s.colour()));
            b.append(f("<text x=\"%.1f\" y=\"%d\">%s</text>%n", LEFT + plotW + 40, legendY + 4, escape(s.name())));
            legendY += 20;
        }
        if (report.failed() > 0) {
            b.append(f("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#d62728\" stroke-width=\"3\"/>%n",
                    LEFT + plotW + 15, legendY, LEFT + plotW + 35, legendY));
            b.append(f("<text x=\"%.1f\" y=\"%d\">failed cycle</text>%n", LEFT + plotW + 40, legendY + 4));
        }
        b.append("</svg>\n");
        return b.toString();
    }

    private static Long sum(List<Long> xs) {
        return xs.isEmpty() ? null : xs.stream().mapToLong(Long::longValue).sum();
    }

    /** 1, 2 or 5 times a power of ten, at least {@code v}. */
    static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(Math.max(v, 1e-3))));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String trim(double ms) {
        return ms == Math.rint(ms) ? Long.toString((long) ms) : String.format(Locale.ROOT, "%.2f", ms);
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
