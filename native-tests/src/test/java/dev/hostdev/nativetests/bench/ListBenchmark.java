package dev.hostdev.nativetests.bench;

import dev.hostdev.engine.testing.GeneratedHosts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The {@code hostdev list} benchmark of issue 2 ("Speed and memory"); prints its figures, asserts
 * nothing. Run by {@code native-tests/bench/list.sh}, which builds hostdev and passes:
 * <pre>
 *   --jar qemu-launcher/target/hostdev.jar --jsa qemu-launcher/target/hostdev-list.jsa --classes DIR
 *   [--devices 10000] [--runs 5] [--small-runs 11] [--tree DIR (kept between runs)] [--script ./hostdev]
 * </pre>
 * <ol>
 *   <li>generates a server tree of {@code --devices} PCI functions (SR-IOV PFs and their VFs), then
 *       times {@code hostdev list --root TREE} against {@code lspci -nn -O sysfs.path=TREE/sys/bus/pci},
 *       median of {@code --runs} interleaved runs, after checking both list the same number of devices;</li>
 *   <li>times {@code hostdev list} on this machine (its real /sys, read only) against a bare JVM printing
 *       one line, both with the JVM options ./hostdev uses; also the bare JVM with its default options
 *       and, with {@code --script}, {@code ./hostdev list} as a person types it;</li>
 *   <li>measures the peak RSS of {@code hostdev list} on the big tree with GNU time.</li>
 * </ol>
 * Each timing reports the median wall time and, with GNU time installed, the median CPU time (user +
 * system): on a busy machine the wall time is mostly the wait for a CPU.
 * hostdev runs exactly as ./hostdev runs it ({@code java -XX:+UseSerialGC -Xmn8m -XX:TieredStopAtLevel=1
 * -XX:-UsePerfData -Xlog:… -XX:SharedArchiveFile=hostdev-list.jsa -jar hostdev.jar}), without the script's
 * own staleness check.
 */
public final class ListBenchmark {
    private ListBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String jar = null;
        String jsa = null;
        String script = null;
        String classes = null;
        int devices = 10_000;
        int runs = 5;
        int smallRunCount = 11;
        Path tree = null;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--jar" -> jar = v;
                case "--jsa" -> jsa = v;
                case "--script" -> script = v;
                case "--classes" -> classes = v;
                case "--devices" -> devices = Integer.parseInt(v);
                case "--runs" -> runs = Integer.parseInt(v);
                case "--small-runs" -> smallRunCount = Integer.parseInt(v);
                case "--tree" -> tree = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (jar == null || classes == null) {
            throw new IllegalArgumentException("--jar and --classes are required (see native-tests/bench/list.sh)");
        }
        List<String> jvm = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-Xmn8m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-Xlog:disable", "-Xlog:all=warning:stderr"));
        List<String> hostdev = new ArrayList<>(jvm);
        if (jsa != null && Files.isRegularFile(Path.of(jsa))) {
            hostdev.addAll(List.of("-XX:SharedArchiveFile=" + jsa, "-Xshare:auto"));
        } else {
            System.out.println("note: no CDS archive (" + jsa + "): hostdev runs without one");
        }
        hostdev.addAll(List.of("-jar", jar, "list"));

        System.out.printf(Locale.ROOT, "machine: %d CPUs, load average %s%n", Runtime.getRuntime().availableProcessors(),
                Files.readString(Path.of("/proc/loadavg")).trim());

        // 1. Big tree.
        boolean generated = false;
        if (tree == null) {
            tree = Files.createTempDirectory("hostdev-bench-");
            generated = true;
        }
        Path pciDevices = tree.resolve("sys/bus/pci/devices");
        if (!Files.isDirectory(pciDevices) || count(pciDevices) < devices) {
            long t0 = System.nanoTime();
            System.out.printf(Locale.ROOT, "generating a %d-device tree in %s ...%n", devices, tree);
            GeneratedHosts.sriovServer(tree, devices, 1);
            System.out.printf(Locale.ROOT, "  generated in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        }
        int n = count(pciDevices);
        List<String> list = with(hostdev, "--root", tree.toString());
        List<String> lspci = List.of("lspci", "-nn", "-O", "sysfs.path=" + tree.resolve("sys/bus/pci"));
        int ours = lines(list);
        int theirs = lines(lspci);
        System.out.printf(Locale.ROOT, "tree: %d devices; hostdev list prints %d lines, lspci -nn %d%n", n, ours, theirs);
        if (ours != theirs) {
            throw new IllegalStateException("hostdev list and lspci disagree on the number of devices");
        }
        Timed hostdevBig = new Timed("hostdev list", list);
        Timed lspciBig = new Timed("lspci -nn", lspci);
        hostdevBig.warmUp(); // the page cache, for both alike
        lspciBig.warmUp();
        Timed.interleave(runs, hostdevBig, lspciBig);
        report("big tree (" + n + " devices), median of " + runs + " interleaved runs", hostdevBig, lspciBig);

        // 2. Small host: this machine.
        Timed small = new Timed("hostdev list (this machine)", hostdev);
        Timed bare = new Timed("bare JVM printing one line", with(jvm, "-cp", classes, PrintOneLine.class.getName()));
        Timed bareDefaults = new Timed("bare JVM, default options", List.of("java", "-cp", classes, PrintOneLine.class.getName()));
        List<Timed> smallRuns = new ArrayList<>(List.of(small, bare, bareDefaults));
        if (script != null) {
            smallRuns.add(new Timed(script + " list", List.of(script, "list")));
        }
        for (Timed t : smallRuns) {
            t.warmUp();
        }
        Timed.interleave(smallRunCount, smallRuns.toArray(new Timed[0]));
        String title = "small host (this machine's " + count(Path.of("/sys/bus/pci/devices")) + " PCI devices), median of "
                + smallRunCount + " interleaved runs";
        report(title, small, bare);
        for (Timed t : smallRuns.subList(2, smallRuns.size())) {
            System.out.printf(Locale.ROOT, "  %-30s wall median %6.0f ms   CPU (user+sys) median %6.0f ms   (wall runs: %s)%n",
                    t.name(), t.medianWall(), t.medianCpu(), t.samples());
            System.out.printf(Locale.ROOT, "  ratio %s / %s: wall %.2f%n", t.name(), bare.name(), t.medianWall() / bare.medianWall());
        }

        // 3. Peak memory.
        Path gnuTime = Path.of("/usr/bin/time");
        if (Files.isExecutable(gnuTime)) {
            List<String> timed = new ArrayList<>(List.of(gnuTime.toString(), "-f", "%M"));
            timed.addAll(list);
            Process p = new ProcessBuilder(timed).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(60, TimeUnit.SECONDS);
            String[] errLines = err.split("\n");
            long kib = Long.parseLong(errLines[errLines.length - 1].trim());
            System.out.printf(Locale.ROOT, "peak RSS of hostdev list on %d devices: %.1f MiB (GNU time %%M)%n", n, kib / 1024.0);
        } else {
            System.out.println("peak RSS: skipped, /usr/bin/time (GNU time) is not installed: apt-get install time");
        }
        if (generated) {
            System.out.println("tree kept for the next run: pass --tree " + tree + " (or delete it)");
        }
    }

    private static void report(String title, Timed a, Timed b) {
        System.out.println(title + ":");
        for (Timed t : new Timed[] {a, b}) {
            System.out.printf(Locale.ROOT, "  %-30s wall median %6.0f ms   CPU (user+sys) median %6.0f ms   (wall runs: %s)%n",
                    t.name(), t.medianWall(), t.medianCpu(), t.samples());
        }
        System.out.printf(Locale.ROOT, "  ratio %s / %s: wall %.2f, CPU %.2f%n", a.name(), b.name(),
                a.medianWall() / b.medianWall(), a.medianCpu() / b.medianCpu());
    }

    private static List<String> with(List<String> base, String... more) {
        List<String> out = new ArrayList<>(base);
        out.addAll(List.of(more));
        return out;
    }

    private static int count(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var s = Files.list(dir)) {
            return (int) s.count();
        }
    }

    private static int lines(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        p.waitFor(60, TimeUnit.SECONDS);
        int n = 0;
        for (byte b : out) {
            if (b == '\n') {
                n++;
            }
        }
        return n;
    }
}
