package dev.hostdev.nativetests.bench;

import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpOptions;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.util.ArrayList;
import java.util.List;

/**
 * QMP client throughput: {@code query-status} round trips per second on one connection to a real
 * QEMU (one command in flight at a time), against the raw-socket baseline: N round trips (default 5000)
 * in five blocks a side, the sides alternating, once the VM's supervisor has started and each side has
 * made {@value #WARMUP} round trips (the JIT compiles the client's path meanwhile).
 */
public final class VmQmpBench {
    private static final int WARMUP = 10_000;

    private VmQmpBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        try (VmBenchSupport b = new VmBenchSupport()) {
            VmRuntimeDir vm = b.track("bqmp");
            b.hostdev("vm", "start", b.spec("bqmp", 0).toString());
            VmBenchSupport.awaitSupervisor(vm); // a JVM starting takes both CPUs for a while
            // blocks of the two, alternating, so that a drift of the machine's speed hits both alike
            int blocks = 5;
            int perBlock = Math.max(1, n / blocks);
            List<Double> clientRates = new ArrayList<>();
            List<Double> rawRates = new ArrayList<>();
            for (int k = 0; k < blocks; k++) {
                try (QmpClient q = QmpClient.connect(vm.qmpSocket(), QmpOptions.defaults())) {
                    for (int i = 0; i < (k == 0 ? WARMUP : 50); i++) {
                        q.execute("query-status");
                    }
                    long t0 = System.nanoTime();
                    for (int i = 0; i < perBlock; i++) {
                        q.execute("query-status");
                    }
                    clientRates.add(perBlock / ((System.nanoTime() - t0) / 1e9));
                }
                try (RawQmp q = new RawQmp(vm.qmpSocket())) {
                    for (int i = 0; i < (k == 0 ? WARMUP : 50); i++) {
                        q.command("{\"execute\":\"query-status\"", "");
                    }
                    long t0 = System.nanoTime();
                    for (int i = 0; i < perBlock; i++) {
                        q.command("{\"execute\":\"query-status\"", "");
                    }
                    rawRates.add(perBlock / ((System.nanoTime() - t0) / 1e9));
                }
            }
            double client = VmBenchSupport.median(clientRates);
            double raw = VmBenchSupport.median(rawRates);
            System.out.printf(java.util.Locale.ROOT, "query-status round trips on one connection: %d in %d alternating blocks, median of the blocks:%n", n, blocks);
            System.out.printf(java.util.Locale.ROOT, "  hostdev QmpClient: %.0f/s%n", client);
            System.out.printf(java.util.Locale.ROOT, "  raw socket:        %.0f/s%n", raw);
            b.hostdev("vm", "stop", "bqmp", "--force");
        }
    }
}
