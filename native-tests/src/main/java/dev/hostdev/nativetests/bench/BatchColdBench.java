package dev.hostdev.nativetests.bench;

import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Issue 13: a hotplug rig's cycle (attach an emulated e1000e, then unplug it) through a brand-new {@code hostdev batch
 * --json} process from its first cycle, against the same cycle over a raw QMP socket. The guests run firmware only, so
 * no unplug is ever acknowledged: the rig's unplug is {@code unplug --no-wait} (the request: {@code device_del}
 * answered) and each cycle's device takes a root port of its own, in rounds of VMs of {@value #PORTS} spare root ports
 * (one VM a side per round, the VMs' supervisors awaited before the round's cycles).
 * <ul>
 * <li>hostdev: {@code attach VM --emulated e1000e --id cN} then {@code unplug VM cN --no-wait}, two lines to the
 * batch, each result line read before the next line is sent, timed by this driver;</li>
 * <li>raw: connect, greeting, {@code qmp_capabilities}, {@code device_add}, {@code qom-list}; then connect, greeting,
 * {@code qmp_capabilities}, {@code device_del}: what a script with one connection per command does (the batch's
 * commands connect once each too).</li>
 * </ul>
 * The sides alternate cycle by cycle (the first place alternating), each cycle after a pause ({@code -Dpause=MS},
 * default 60) in which the previous cycle's QEMU work ends. The batch is started before the first round's VMs, so its
 * JVM has started (and its start-up compilations ended) before cycle 1; cycle 1 is its first command. Arguments: cycles
 * a run (default 200), runs (default 5), the {@code hostdev} script (default {@code ./hostdev}). Each run is a new batch
 * process. {@code -Dvariants=A|B|…} runs each run once per variant, in turn: {@code script} is the script as it is;
 * anything else is the script's own java command line (its archive and JNA library) with these JIT options in place
 * of the script's ({@code -XX:TieredStopAtLevel=1}, {@code -XX:CompileThresholdScaling=0.1}, {@code tiered} for
 * none). Prints, per run and side, the first cycle and p50/p90/p99/max over cycles 1–100 and 1–N (nearest rank), the
 * ratios at p99, and the load average.
 */
public final class BatchColdBench {
    /** Spare root ports of each VM, as in {@code VmAttachBench}. */
    private static final int PORTS = 30;
    private static final long PAUSE_MILLIS = Long.getLong("pause", 60);
    /** Time the batch's JVM is given to start before the first round's VMs are started. */
    private static final long SETTLE_MILLIS = Long.getLong("settle", 1500);

    private BatchColdBench() {
    }

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path script = Path.of(args.length > 2 ? args[2] : "./hostdev").toAbsolutePath();
        List<String> variants = Arrays.asList(System.getProperty("variants", "script").split("\\|"));
        List<String> summary = new ArrayList<>();
        for (int run = 1; run <= runs; run++) {
            for (String variant : variants) {
                try (VmBenchSupport b = new VmBenchSupport()) {
                    String load0 = loadAverage();
                    List<List<Double>> ms = run(b, script, variant, cycles);
                    String load1 = loadAverage();
                    String head = String.format(Locale.ROOT, "run %d, %s, load %s -> %s", run, variant, load0, load1);
                    System.out.println(head);
                    String hostdev = describe(ms.get(0), cycles);
                    String raw = describe(ms.get(1), cycles);
                    System.out.println("  hostdev batch: " + hostdev);
                    System.out.println("  raw QMP:       " + raw);
                    String ratios = String.format(Locale.ROOT, "  ratio p99 1-100 %.2fx, p99 1-%d %.2fx, p50 1-%d %.2fx, first %.2fx",
                            pct(ms.get(0), 100, 99) / pct(ms.get(1), 100, 99), cycles, pct(ms.get(0), cycles, 99)
                                    / pct(ms.get(1), cycles, 99), cycles, pct(ms.get(0), cycles, 50) / pct(ms.get(1), cycles, 50),
                            ms.get(0).get(0) / ms.get(1).get(0));
                    System.out.println(ratios);
                    System.out.println("  hostdev first 20 (ms): " + firsts(ms.get(0)));
                    System.out.println("  raw first 20 (ms):     " + firsts(ms.get(1)));
                    summary.add(head + "\n  hostdev " + hostdev + "\n  raw     " + raw + "\n" + ratios);
                    System.out.flush();
                }
            }
        }
        System.out.println("\nsummary, " + cycles + " attach + unplug --no-wait cycles a run:");
        summary.forEach(System.out::println);
    }

    /** One run: a new batch process and {@code cycles} cycles a side; the times, hostdev's then raw's. */
    private static List<List<Double>> run(VmBenchSupport b, Path script, String variant, int cycles) throws Exception {
        Process batch = b.track(new ProcessBuilder(batchCommand(b, script, variant)).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        OutputStream to = batch.getOutputStream();
        BufferedReader from = new BufferedReader(new InputStreamReader(batch.getInputStream(), StandardCharsets.UTF_8));
        Thread.sleep(SETTLE_MILLIS);
        List<Double> hostdev = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        for (int round = 0, done = 0; done < cycles; round++) {
            String hv = "b" + round;
            VmRuntimeDir hvm = start(b, hv);
            VmRuntimeDir rvm = start(b, "r" + round);
            VmBenchSupport.awaitSupervisor(hvm);
            VmBenchSupport.awaitSupervisor(rvm);
            List<String> free = rvm.require().slots().slots().stream().filter(s -> s.kind() == SlotKind.ROOT_PORT && s.isFree())
                    .map(Slot::bus).toList();
            int n = Math.min(PORTS, cycles - done);
            for (int i = 0; i < n; i++) {
                int c = done + i;
                for (int k = 0; k < 2; k++) {
                    Thread.sleep(PAUSE_MILLIS);
                    long t0 = System.nanoTime();
                    if ((c + k) % 2 == 0) {
                        line(to, from, "attach " + hv + " --emulated e1000e --id c" + c);
                        line(to, from, "unplug " + hv + " c" + c + " --no-wait");
                        hostdev.add(VmBenchSupport.millisSince(t0));
                    } else {
                        rawCycle(rvm.qmpSocket(), "c" + c, free.get(i));
                        raw.add(VmBenchSupport.millisSince(t0));
                    }
                }
            }
            b.hostdev("vm", "stop", hvm.name(), "--force");
            b.hostdev("vm", "stop", rvm.name(), "--force");
            done += n;
        }
        to.close();
        batch.waitFor();
        return List.of(hostdev, raw);
    }

    private static VmRuntimeDir start(VmBenchSupport b, String name) throws IOException {
        VmRuntimeDir dir = b.track(name);
        b.hostdev("vm", "start", b.spec(name, PORTS).toString());
        return dir;
    }

    /** The same cycle over raw sockets: one connection for the attach (with its qom-list check), one for the unplug. */
    private static void rawCycle(Path socket, String id, String bus) throws IOException {
        try (RawQmp q = new RawQmp(socket)) {
            q.command("{\"execute\":\"device_add\"", ",\"arguments\":{\"driver\":\"e1000e\",\"id\":\"" + id + "\",\"bus\":\"" + bus
                    + "\",\"addr\":\"0x0\"}");
            String list = q.command("{\"execute\":\"qom-list\"", ",\"arguments\":{\"path\":\"/machine/peripheral\"}");
            if (!list.contains("\"" + id + "\"")) {
                throw new IllegalStateException(id + " not in " + list);
            }
        }
        try (RawQmp q = new RawQmp(socket)) {
            q.command("{\"execute\":\"device_del\"", ",\"arguments\":{\"id\":\"" + id + "\"}");
        }
    }

    /** Sends one line to the batch and reads its result, which must say exit 0. */
    private static void line(OutputStream to, BufferedReader from, String line) throws IOException {
        to.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        to.flush();
        String result = from.readLine();
        if (result == null || !result.contains("\"exit\":0,")) {
            throw new IllegalStateException("hostdev batch, '" + line + "': " + result);
        }
    }

    /**
     * The batch's command: the script itself, or the script's java command line with other JIT options (read from the
     * script, so that it stays the script's whatever it becomes: heap, GC, archive, JNA library).
     */
    private static List<String> batchCommand(VmBenchSupport b, Path script, String variant) throws IOException {
        if (variant.equals("script")) {
            return b.command(script, "batch", "--json");
        }
        Path target = script.getParent().resolve("qemu-launcher/target");
        List<String> cmd = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-Xmn8m"));
        if (!variant.equals("tiered")) {
            cmd.addAll(Arrays.asList(variant.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-XX:-UsePerfData", "-Xlog:disable", "-Xlog:all=warning:stderr"));
        Path jsa = target.resolve("hostdev-all.jsa");
        if (Files.exists(jsa)) {
            cmd.addAll(List.of("-XX:SharedArchiveFile=" + jsa, "-Xshare:auto"));
        }
        if (Files.exists(target.resolve("jna/libjnidispatch.so"))) {
            cmd.addAll(List.of("-Djna.boot.library.path=" + target.resolve("jna"), "-Djna.nosys=true"));
        }
        cmd.addAll(List.of("-jar", target.resolve("hostdev.jar").toString(), "batch", "--json", "--root", b.root.toString()));
        return cmd;
    }

    /** "first F; 1-100 p50/p90/p99/max; 1-N p50/p90/p99/max" in ms. */
    private static String describe(List<Double> ms, int cycles) {
        return String.format(Locale.ROOT, "first %.1f; 1-100 p50 %.1f p90 %.1f p99 %.1f max %.1f; 1-%d p50 %.1f p90 %.1f p99 %.1f max %.1f (ms)",
                ms.get(0), pct(ms, 100, 50), pct(ms, 100, 90), pct(ms, 100, 99), pct(ms, 100, 100), cycles, pct(ms, cycles, 50),
                pct(ms, cycles, 90), pct(ms, cycles, 99), pct(ms, cycles, 100));
    }

    /** The {@code p}th percentile (nearest rank) of the first {@code n} samples. */
    static double pct(List<Double> ms, int n, int p) {
        List<Double> s = new ArrayList<>(ms.subList(0, Math.min(n, ms.size())));
        s.sort(Double::compare);
        int rank = (int) Math.ceil(p / 100.0 * s.size());
        return s.get(Math.max(0, rank - 1));
    }

    private static String firsts(List<Double> ms) {
        return ms.subList(0, Math.min(20, ms.size())).stream().map(x -> String.format(Locale.ROOT, "%.0f", x))
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0];
        } catch (IOException e) {
            return "?";
        }
    }
}
