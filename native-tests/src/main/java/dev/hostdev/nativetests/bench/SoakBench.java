package dev.hostdev.nativetests.bench;

import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.cli.Cli;
import dev.hostdev.launcher.hotplug.HostDeviceChecks;
import dev.hostdev.launcher.hotplug.HotplugDevice;
import dev.hostdev.launcher.lab.GuestChannel;
import dev.hostdev.launcher.lab.LabEnvironment;
import dev.hostdev.launcher.lab.LabSpec;
import dev.hostdev.launcher.qmp.ChannelStreams;
import dev.hostdev.launcher.soak.CycleResult;
import dev.hostdev.launcher.soak.LatencyStats;
import dev.hostdev.launcher.soak.MemorySample;
import dev.hostdev.launcher.soak.ProcessMemory;
import dev.hostdev.launcher.soak.SoakReport;
import dev.hostdev.launcher.soak.SoakRunner;
import dev.hostdev.launcher.soak.VmCycleSteps;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 16.3: {@code hostdev soak} of an emulated e1000e in the lab guest (a real kernel acknowledges every unplug)
 * against the same cycle over a raw QMP socket ({@code device_add}, {@code device_del}, wait for
 * {@code DEVICE_DELETED}; one connection, no record, no lock, no confirmation). Hostdev's side is the soak library
 * exactly as {@code hostdev soak} runs it ({@link SoakRunner} over {@link VmCycleSteps}: {@code Attacher} and
 * {@code Unplugger}). The two sides take turns in blocks of {@value #BLOCK} cycles, after {@value #WARMUP} unmeasured
 * cycles each (the JIT), into the same VM, each on a root port of its own; the raw side keeps one connection for a block (QEMU's monitor takes one
 * client at a time), Hostdev's holds one for each block too (a {@code SoakRunner} run: {@code HotplugSession}). Prints p50/p90/p99/max of a whole
 * cycle each way, the ratios at p50 and p99 (the goal: at most 1.2), and the VmRSS of this JVM (Hostdev's process)
 * and of QEMU at the start and end of the measured cycles (and the heap in use after a full GC); its work directory (on tmpfs) is removed at the end unless
 * {@code -Dkeep=true}. Run it with the JVM options of the
 * {@code hostdev} script ({@code -XX:+UseSerialGC -Xmn8m -XX:TieredStopAtLevel=1}) for the RSS {@code hostdev soak} has. Argument: cycles a side
 * (default 1000). A memory series ({@link JvmMemorySample}: RSS, heap after a full GC, Native Memory Tracking per category
 * with {@code -XX:NativeMemoryTracking=summary}, QEMU's RSS) is printed before and after the warm-up and every
 * {@code -Dsample=} cycles (default {@value #SAMPLE}); at the end, the classes whose live objects grew since the end of the
 * warm-up ({@code GC.class_histogram}) and NMT's {@code summary.diff} against it: they tell warm-up (code cache, metaspace
 * filling, then flat) from growth, and growth's owner.
 */
public final class SoakBench {
    private static final int BLOCK = 50;
    private static final int WARMUP = Integer.getInteger("warmup", 50);
    /** A memory sample every this many cycles a side (a multiple of {@value #BLOCK}). */
    private static final int SAMPLE = Integer.getInteger("sample", 250);

    private SoakBench() {
    }

    public static void main(String[] args) throws Exception {
        int cycles = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        LabEnvironment env = LabEnvironment.detect();
        Path shm = Path.of("/dev/shm");
        Path work = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "hostdev-soakbench")
                : Files.createTempDirectory("hostdev-soakbench");
        Path runDir = Files.createDirectory(work.resolve("run"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path spec = LabSpec.write(env, work, "soakbench", 2);
        VmRuntimeDir dir = new VmRuntimeDir(runDir, "soakbench");
        try {
            int rc = Cli.newCommandLine().execute("vm", "start", spec.toString(), "--run-dir", runDir.toString());
            if (rc != 0) {
                throw new IllegalStateException("vm start exited " + rc);
            }
            long qemuPid = dir.require().qemu().pid();
            GuestChannel guest = LabSpec.channel(work, () -> ProcessHandle.of(qemuPid).map(ProcessHandle::isAlive).orElse(false));
            Duration boot = guest.awaitReady(Duration.ofMinutes(3), System.nanoTime());
            System.out.println("lab guest ready after " + boot.toMillis() + " ms; QEMU pid " + qemuPid);
            VmRecord r = dir.require();
            List<Slot> free = r.slots().slots().stream().filter(s -> s.kind() == SlotKind.ROOT_PORT && s.isFree()).toList();
            String rawBus = free.get(free.size() - 1).bus();

            Sysfs sysfs = new Sysfs(HostRoot.system());
            RunningVm vm = new RunningVm(dir, null, null);
            ProcessMemory mem = ProcessMemory.system();
            long self = ProcessHandle.current().pid();
            SoakRunner soak = new SoakRunner("soakbench", List.of(new HotplugDevice.Emulated("e1000e")), List.of("soak1"),
                    new VmCycleSteps(vm, new SysfsPciFacts(sysfs), new HostDeviceChecks(sysfs), Duration.ofSeconds(20)), null, null,
                    () -> new MemorySample(mem.rssKib(self), mem.rssKib(qemuPid)));
            System.out.println("memory series (cycles a side, this JVM: " + JvmMemorySample.header() + ", QEMU VmRSS KiB):");
            series("before warm-up", mem, qemuPid);
            soak.run(WARMUP, true, null);
            rawBlock(dir.qmpSocket(), rawBus, WARMUP);
            series("0", mem, qemuPid);
            nmtCommand("baseline");
            java.util.Map<String, long[]> histogramStart = histogram();
            long heapStart = heapAfterGc();
            MemorySample start = new MemorySample(mem.rssKib(self), mem.rssKib(qemuPid));
            List<Long> hostdev = new ArrayList<>();
            List<Long> direct = new ArrayList<>();
            int hostdevFailed = 0;
            long t0 = System.nanoTime();
            for (int done = 0; done < cycles; done += BLOCK) {
                int n = Math.min(BLOCK, cycles - done);
                SoakReport block = soak.run(n, true, null);
                block.cycles().stream().filter(CycleResult::passed).forEach(c -> hostdev.add(c.cycleNanos()));
                block.failures().forEach(f -> System.out.println("  hostdev side: " + f.describe()));
                hostdevFailed += block.failed();
                direct.addAll(rawBlock(dir.qmpSocket(), rawBus, n));
                System.out.printf(Locale.ROOT, "  %4d cycles a side, %.0f s%n", done + n, (System.nanoTime() - t0) / 1e9);
                if ((done + n) % SAMPLE == 0 || done + n >= cycles) {
                    series(Integer.toString(done + n), mem, qemuPid);
                }
            }
            MemorySample end = new MemorySample(mem.rssKib(self), mem.rssKib(qemuPid));
            long heapEnd = heapAfterGc();
            LatencyStats h = LatencyStats.of(hostdev);
            LatencyStats q = LatencyStats.of(direct);
            System.out.println("soak of an emulated e1000e in the lab guest, " + cycles + " cycles a side, every unplug acknowledged"
                    + " by the guest kernel (DEVICE_DELETED)");
            System.out.println("  raw QMP (device_add, device_del, DEVICE_DELETED): " + q.describe() + "; " + q.count() + " cycles, "
                    + rawVanished + " left out (the guest removed the device before device_del)");
            System.out.println("  hostdev soak (Attacher + Unplugger):               " + h.describe() + "; " + h.count() + " cycles, "
                    + hostdevFailed + " failed (left out)");
            System.out.printf(Locale.ROOT, "  ratio hostdev/raw: p50 %.2fx, p99 %.2fx (goal <= 1.2x)%n", (double) h.p50() / q.p50(),
                    (double) h.p99() / q.p99());
            System.out.println("  VmRSS hostdev (this JVM): " + start.hostdevKib() + " KiB -> " + end.hostdevKib() + " KiB; QEMU: "
                    + start.qemuKib() + " KiB -> " + end.qemuKib() + " KiB; Java heap in use after a full GC: " + heapStart / 1024
                    + " KiB -> " + heapEnd / 1024 + " KiB (JVM: " + String.join(" ",
                    java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) + ")");
            printHistogramGrowth(histogramStart, histogram());
            String diff = nmtCommand("summary.diff");
            if (!diff.isEmpty()) {
                System.out.println("NMT summary.diff against the baseline taken after the warm-up:");
                System.out.println(diff);
            }
        } finally {
            Cli.newCommandLine().execute("vm", "stop", "soakbench", "--timeout", "2", "--run-dir", runDir.toString());
            dir.read().ifPresent(rec -> {
                if (rec.qemu() != null) {
                    rec.qemu().handle().ifPresent(ProcessHandle::destroyForcibly);
                }
                if (rec.supervisor() != null) {
                    rec.supervisor().handle().ifPresent(ProcessHandle::destroyForcibly);
                }
            });
            if (Boolean.getBoolean("keep")) {
                System.out.println("kept " + work + " (the VM's QMP transcript: " + dir.qmpLog() + ")");
            } else {
                try (java.util.stream.Stream<Path> files = Files.walk(work)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    /**
     * {@code n} raw cycles on a connection of their own: QEMU's monitor takes one client at a time, and Hostdev's side
     * holds its own connection for its block, so each side holds the socket only for its block.
     */
    private static List<Long> rawBlock(Path socket, String bus, int n) throws IOException {
        List<Long> times = new ArrayList<>();
        try (Raw raw = new Raw(socket)) {
            for (int i = 0; i < n; i++) {
                long t = raw.cycle(bus);
                if (t > 0) {
                    times.add(t);
                } else {
                    rawVanished++;
                }
            }
        }
        return times;
    }

    /** Raw cycles whose device the guest removed before device_del (see {@link Raw#cycle}). */
    private static int rawVanished;

    /** Prints one line of the memory series: this JVM's memory (with NMT when on) and QEMU's VmRSS. */
    private static void series(String label, ProcessMemory mem, long qemuPid) {
        System.out.println("  series " + label + ": " + JvmMemorySample.now().row() + " | qemu " + mem.rssKib(qemuPid));
    }

    private static final java.util.regex.Pattern HISTOGRAM_ROW = java.util.regex.Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    /** Live objects per class ({@code GC.class_histogram}, which collects first): class name to {instances, bytes}. */
    private static java.util.Map<String, long[]> histogram() {
        java.util.Map<String, long[]> classes = new java.util.HashMap<>();
        try {
            String text = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()}).toString();
            for (String line : text.split("\n")) {
                java.util.regex.Matcher m = HISTOGRAM_ROW.matcher(line);
                if (m.find()) {
                    classes.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
                }
            }
        } catch (Exception e) {
            System.out.println("  (no class histogram: " + e + ")");
        }
        return classes;
    }

    /** The classes whose live bytes grew most between the end of the warm-up and the end: where heap growth is, if any. */
    private static void printHistogramGrowth(java.util.Map<String, long[]> before, java.util.Map<String, long[]> after) {
        System.out.println("live objects grown since the end of the warm-up (GC.class_histogram), the 12 largest:");
        after.entrySet().stream()
                .map(e -> java.util.Map.entry(e.getKey(), new long[] {e.getValue()[0] - before.getOrDefault(e.getKey(), new long[2])[0],
                        e.getValue()[1] - before.getOrDefault(e.getKey(), new long[2])[1]}))
                .filter(e -> e.getValue()[1] > 0)
                .sorted((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]))
                .limit(12)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %+8d instances %+10d bytes  %s%n", e.getValue()[0], e.getValue()[1], e.getKey()));
    }

    /** {@code VM.native_memory <what>} in this JVM; empty when NMT is off. */
    private static String nmtCommand(String what) {
        try {
            return java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {what}}, new String[] {String[].class.getName()}).toString();
        } catch (Exception e) {
            return "";
        }
    }

    /** Bytes of Java heap in use after a full collection: what the soak keeps, whatever the collector left in RSS. */
    private static long heapAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** The baseline: one QMP connection, the three messages of a cycle, lines in and out. */
    private static final class Raw implements AutoCloseable {
        private final SocketChannel ch;
        private final BufferedReader in;
        private final OutputStream out;

        Raw(Path socket) throws IOException {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            in = new BufferedReader(new InputStreamReader(ChannelStreams.input(ch), StandardCharsets.UTF_8));
            out = ChannelStreams.output(ch);
            in.readLine();
            send("{\"execute\":\"qmp_capabilities\"}");
            reply();
        }

        /**
         * One cycle: device_add, device_del, DEVICE_DELETED; nanoseconds, or -1 when the guest took the hotplug as an
         * unplug and removed the device before device_del (its DEVICE_DELETED came first; Attacher reports the same).
         */
        long cycle(String bus) throws IOException {
            String id = "raw" + (++count); // an id of its own each cycle, as the soak's
            long t0 = System.nanoTime();
            send("{\"execute\":\"device_add\",\"arguments\":{\"driver\":\"e1000e\",\"id\":\"" + id + "\",\"bus\":\"" + bus + "\",\"addr\":\"0x0\"}}");
            reply();
            send("{\"execute\":\"device_del\",\"arguments\":{\"id\":\"" + id + "\"}}");
            boolean deleted = vanished;
            vanished = false;
            boolean replied = false;
            while (!deleted || !replied) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("EOF");
                }
                if (line.startsWith("{\"error\"")) {
                    if (!line.contains("DeviceNotFound")) {
                        throw new IOException(line);
                    }
                    // gone before device_del: its DEVICE_DELETED may still be on its way (QEMU emits it when the
                    // device is finalized); read it here, or the next cycle would take it for its own
                    while (!deleted) {
                        String next = in.readLine();
                        if (next == null) {
                            throw new IOException("EOF");
                        }
                        deleted = next.contains("\"DEVICE_DELETED\"") && next.contains("\"device\": \"" + id + "\"");
                    }
                    return -1;
                }
                if (line.startsWith("{\"return\"")) {
                    replied = true;
                } else if (line.contains("\"DEVICE_DELETED\"") && line.contains("\"device\": \"" + id + "\"")) {
                    deleted = true;
                }
            }
            return System.nanoTime() - t0;
        }

        private void send(String json) throws IOException {
            out.write((json + "\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        private boolean vanished;
        private int count;

        private void reply() throws IOException {
            while (true) {
                String line = in.readLine();
                if (line == null) {
                    throw new IOException("EOF");
                }
                if (line.contains("\"DEVICE_DELETED\"") && line.contains("\"device\": \"raw" + count + "\"")) {
                    vanished = true;
                }
                if (line.startsWith("{\"error\"")) {
                    throw new IOException(line);
                }
                if (line.startsWith("{\"return\"")) {
                    return;
                }
            }
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
