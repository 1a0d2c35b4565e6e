package dev.hostdev.launcher.soak;

import java.util.Arrays;
import java.util.List;

/**
 * Percentiles of a set of latencies, by the nearest-rank method (the p-th percentile is the smallest sample that
 * at least p % of the samples do not exceed), so every figure is a latency that was really observed.
 *
 * @param count how many samples
 * @param p50   median, in nanoseconds
 * @param p90   90th percentile, in nanoseconds
 * @param p99   99th percentile, in nanoseconds
 * @param max   the largest sample, in nanoseconds
 */
public record LatencyStats(int count, long p50, long p90, long p99, long max) {
    /** The statistics of {@code nanos}; {@code null} when there are none (nothing was measured). */
    public static LatencyStats of(List<Long> nanos) {
        if (nanos.isEmpty()) {
            return null;
        }
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new LatencyStats(sorted.length, percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
                sorted[sorted.length - 1]);
    }

    /** The nearest-rank {@code p}-th percentile of sorted samples (0 &lt; p ≤ 100). */
    static long percentile(long[] sorted, double p) {
        if (sorted.length == 0 || p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile " + p + " of " + sorted.length + " samples");
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(1, rank) - 1];
    }

    /** Nanoseconds as milliseconds with one decimal, for people. */
    public static String millis(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.1f", nanos / 1e6);
    }

    /** {@code p50 12.3 ms, p90 …, p99 …, max …}. */
    public String describe() {
        return "p50 " + millis(p50) + " ms, p90 " + millis(p90) + " ms, p99 " + millis(p99) + " ms, max " + millis(max) + " ms";
    }
}
