package dev.hostdev.nativetests.bench;

import dev.hostdev.launcher.cli.Cli;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/** What the VM benchmarks share: a temporary host root, specs, running hostdev in-process, cleanup, medians. */
final class VmBenchSupport implements AutoCloseable {
    final Path root;
    private final List<VmRuntimeDir> vms = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    /** One command line for all in-process runs, as a long-running caller of the API would keep its objects. */
    private final CommandLine cli = Cli.newCommandLine();

    /**
     * The temporary root, on tmpfs where there is one: the VMs' runtime directories then live in memory,
     * as under /run on a real host (here /run and /tmp are on the disk).
     */
    VmBenchSupport() throws IOException {
        Path shm = Path.of("/dev/shm");
        root = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "hostdev-bench")
                : Files.createTempDirectory("hostdev-bench");
    }

    /** The directory holding the VMs' runtime directories under the temporary root. */
    Path vmsDir() {
        return root.resolve("run/hostdev/vms");
    }

    /** Writes a firmware-only TCG spec with {@code spare} spare root ports. */
    Path spec(String name, int spare) throws IOException {
        Path p = root.resolve(name + ".toml");
        Files.writeString(p, "name = \"" + name + "\"\nmemory = \"128M\"\ncpus = 1\naccel = \"tcg\"\nspare_root_ports = " + spare + "\n");
        return p;
    }

    /** Runs {@code hostdev args… --root ROOT} in this JVM; throws with its output unless it exits 0. */
    String hostdev(String... args) {
        List<String> a = new ArrayList<>(Arrays.asList(args));
        a.add("--root");
        a.add(root.toString());
        CommandLine cl = cli;
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(a.toArray(String[]::new));
        if (rc != 0) {
            throw new IllegalStateException("hostdev " + a + " exited " + rc + ": " + out + err);
        }
        return out.toString();
    }

    /**
     * {@code SCRIPT ARGS… --root ROOT}: the {@code hostdev} script itself, so that a command runs with the
     * script's JVM options and class-data-sharing archive, whatever they are now.
     */
    List<String> command(Path script, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(script.toAbsolutePath().toString());
        cmd.addAll(Arrays.asList(args));
        cmd.add("--root");
        cmd.add(root.toString());
        return cmd;
    }

    /**
     * Waits until the VM runs under its supervisor, so that nothing {@code vm start} began still competes for the CPUs
     * with the next measurement: the waiter (a shell, QEMU's parent) is in the record once the VM is running; a JVM
     * supervisor (started by hand with {@code vm supervise}) once its log says it listens.
     */
    static void awaitSupervisor(VmRuntimeDir vm) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            var record = vm.read();
            if (record.isPresent() && record.get().state() == dev.hostdev.launcher.vm.VmState.RUNNING
                    && record.get().supervisor() != null) {
                return;
            }
            if (Files.exists(vm.supervisorLog()) && Files.readString(vm.supervisorLog()).contains("listening for SHUTDOWN")) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("VM " + vm.name() + " was not running under its supervisor within 60 s");
    }

    /** Records a VM whose processes must be killed at the end. */
    VmRuntimeDir track(String name) {
        VmRuntimeDir d = new VmRuntimeDir(vmsDir(), name);
        vms.add(d);
        return d;
    }

    /** Records a process (QEMU started by hand) to kill at the end. */
    Process track(Process p) {
        processes.add(p);
        return p;
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        s.sort(Double::compare);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static double mean(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static double min(List<Double> xs) {
        return xs.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    /** "median X ms (min Y ms)": on a loaded machine the minimum shows the cost of the code itself. */
    static String summary(List<Double> xs) {
        return String.format(Locale.ROOT, "median %.1f ms, min %.1f ms", median(xs), min(xs));
    }

    /** The samples, sorted, to one decimal: the shape of the distribution, not just its middle. */
    static String sorted(List<Double> xs) {
        return xs.stream().sorted().map(x -> String.format(Locale.ROOT, "%.1f", x)).collect(java.util.stream.Collectors.joining(" "));
    }

    static String ms(double millis) {
        return String.format(Locale.ROOT, "%.1f ms", millis);
    }

    static double millisSince(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    @Override
    public void close() throws IOException {
        for (VmRuntimeDir d : vms) {
            d.read().ifPresent(VmBenchSupport::kill);
        }
        for (Process p : processes) {
            p.destroyForcibly();
        }
        try (var walk = Files.walk(root)) {
            walk.sorted((x, y) -> y.compareTo(x)).forEach(p -> p.toFile().delete());
        }
    }

    private static void kill(VmRecord r) {
        for (ProcessIdentity p : new ProcessIdentity[] {r.qemu(), r.supervisor()}) {
            if (p != null) {
                p.handle().ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
