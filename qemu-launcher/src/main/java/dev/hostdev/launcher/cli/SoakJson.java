package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.launcher.soak.LatencyStats;
import dev.hostdev.launcher.soak.SoakFailure;
import dev.hostdev.launcher.soak.SoakReport;
import java.nio.file.Path;

/** {@code hostdev soak --json}: the report as one object (docs/schemas/soak.schema.json). */
final class SoakJson {
    /** At most this many failures are listed (with --keep-going a broken rig fails every cycle); the count is exact. */
    static final int MAX_FAILURES = 100;

    private SoakJson() {
    }

    static ObjectNode report(SoakReport r, Path plot) {
        ObjectNode o = JsonLine.object();
        o.put("vm", r.vm()).put("dry_run", false);
        ArrayNode devices = o.putArray("devices");
        for (int i = 0; i < r.devices().size(); i++) {
            devices.addObject().put("device", r.devices().get(i)).put("id", r.ids().get(i));
        }
        o.put("cycles_requested", r.cyclesRequested()).put("cycles_run", r.cycles().size()).put("passed", r.passed())
                .put("failed", r.failed()).put("guest_check", r.guestCheck()).put("health_checks", r.healthChecks());
        SoakFailure first = r.firstFailure();
        if (first != null && r.stoppedEarly()) {
            o.set("stopped_at", failure(first));
        } else {
            o.putNull("stopped_at");
        }
        ArrayNode failures = o.putArray("failures");
        r.failures().stream().limit(MAX_FAILURES).forEach(f -> failures.add(failure(f)));
        ObjectNode latency = o.putObject("latency_ms");
        stats(latency, "add", r.add());
        stats(latency, "guest_visible", r.guestVisible());
        stats(latency, "del", r.del());
        stats(latency, "cycle", r.cycle());
        ObjectNode memory = o.putObject("rss_kib");
        memory(memory, "hostdev", r.start().hostdevKib(), r.end().hostdevKib());
        memory(memory, "qemu", r.start().qemuKib(), r.end().qemuKib());
        o.put("wall_ms", r.wallNanos() / 1_000_000);
        o.put("plot", plot == null ? null : plot.toString());
        return o;
    }

    private static ObjectNode failure(SoakFailure f) {
        ObjectNode o = JsonLine.object();
        o.put("cycle", f.cycle()).put("phase", f.phase().jsonName()).put("device", f.device()).put("code", f.code().jsonName())
                .put("exit", f.code().exitStatus()).put("message", f.message()).put("hint", f.hint());
        return o;
    }

    private static void stats(ObjectNode parent, String name, LatencyStats s) {
        if (s == null) {
            parent.putNull(name);
            return;
        }
        parent.putObject(name).put("count", s.count()).put("p50", ms(s.p50())).put("p90", ms(s.p90())).put("p99", ms(s.p99()))
                .put("max", ms(s.max()));
    }

    /** Milliseconds with three decimals (microseconds). */
    private static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    private static void memory(ObjectNode parent, String name, Long start, Long end) {
        ObjectNode m = parent.putObject(name);
        if (start == null) {
            m.putNull("start");
        } else {
            m.put("start", start);
        }
        if (end == null) {
            m.putNull("end");
        } else {
            m.put("end", end);
        }
    }
}
