package dev.hostdev.nativetests.bench;

import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpOptions;
import dev.hostdev.launcher.vm.VmRuntimeDir;

/**
 * QMP client throughput: {@code query-status} round trips per second on one connection to a real
 * QEMU (one command in flight at a time), against the raw-socket baseline. N round trips (default 5000).
 */
public final class VmQmpBench {
    private VmQmpBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        try (VmBenchSupport b = new VmBenchSupport()) {
            VmRuntimeDir vm = b.track("bqmp");
            b.hostdev("vm", "start", b.spec("bqmp", 0).toString());
            double client;
            try (QmpClient q = QmpClient.connect(vm.qmpSocket(), QmpOptions.defaults())) {
                for (int i = 0; i < 500; i++) {
                    q.execute("query-status");
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    q.execute("query-status");
                }
                client = n / ((System.nanoTime() - t0) / 1e9);
            }
            double raw;
            try (RawQmp q = new RawQmp(vm.qmpSocket())) {
                for (int i = 0; i < 500; i++) {
                    q.command("{\"execute\":\"query-status\"", "");
                }
                long t0 = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    q.command("{\"execute\":\"query-status\"", "");
                }
                raw = n / ((System.nanoTime() - t0) / 1e9);
            }
            System.out.printf(java.util.Locale.ROOT, "query-status round trips on one connection (%d, after 500 warm-up):%n", n);
            System.out.printf(java.util.Locale.ROOT, "  hostdev QmpClient: %.0f/s%n", client);
            System.out.printf(java.util.Locale.ROOT, "  raw socket:        %.0f/s%n", raw);
            b.hostdev("vm", "stop", "bqmp", "--force");
        }
    }
}
