package dev.hostdev.launcher.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {
    @Test
    void nearestRankOfAHundredSamplesInAnyOrder() {
        List<Long> xs = new ArrayList<>(LongStream.rangeClosed(1, 100).boxed().toList());
        Collections.shuffle(xs, new java.util.Random(7));
        assertEquals(new LatencyStats(100, 50, 90, 99, 100), LatencyStats.of(xs));
    }

    @Test
    void aFewSamplesGiveObservedValuesOnly() {
        // 10 samples: p50 is the 5th, p90 the 9th, p99 the 10th (no interpolation between samples)
        assertEquals(new LatencyStats(10, 5, 9, 10, 10), LatencyStats.of(LongStream.rangeClosed(1, 10).boxed().toList()));
        assertEquals(new LatencyStats(1, 42, 42, 42, 42), LatencyStats.of(List.of(42L)));
        // one slow outlier among 200 shows at p99 only when it is more than 1 %
        List<Long> xs = new ArrayList<>(Collections.nCopies(199, 100L));
        xs.add(5000L);
        assertEquals(new LatencyStats(200, 100, 100, 100, 5000), LatencyStats.of(xs));
        xs.add(5000L);
        xs.add(5000L);
        assertEquals(5000, LatencyStats.of(xs).p99());
    }

    @Test
    void nothingMeasuredIsNull() {
        assertNull(LatencyStats.of(List.of()));
    }

    @Test
    void millisForPeople() {
        assertEquals("12.3", LatencyStats.millis(12_345_678));
        assertEquals("p50 1.0 ms, p90 2.0 ms, p99 3.0 ms, max 4.0 ms", new LatencyStats(4, 1_000_000, 2_000_000, 3_000_000, 4_000_000).describe());
    }
}
