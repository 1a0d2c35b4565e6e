package dev.hostdev.nativetests.bench;

import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.cmdline.LaunchOptions;
import dev.hostdev.launcher.cmdline.LaunchPlan;
import dev.hostdev.launcher.cmdline.LaunchPlanner;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code vm start} until QMP answers, against QEMU started by hand with the same arguments until its
 * QMP answers (greeting and qmp_capabilities). Medians of N runs (default 5, first argument).
 * Measured: hostdev in this JVM (the API and the command's work without JVM start-up) and, when the
 * path of the hostdev script is given as second argument, {@code hostdev vm start} in a JVM of its own, run by
 * the script itself (its JVM options and class-data-sharing archive).
 */
public final class VmStartBench {
    private VmStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path script = args.length > 1 ? Path.of(args[1]) : null;
        try (VmBenchSupport b = new VmBenchSupport()) {
            Path spec = b.spec("bstart", 4);
            LaunchPlan plan = LaunchPlanner.plan(VmSpecLoader.load(spec), new SysfsPciFacts(new Sysfs(new HostRoot(b.root))),
                    new LaunchOptions(b.vmsDir().resolve("byhand"), false, Set.of(), false));
            List<Double> byHand = new ArrayList<>();
            List<Double> inProcess = new ArrayList<>();
            List<Double> cli = new ArrayList<>();
            VmRuntimeDir vm = b.track("bstart");
            b.hostdev("vm", "start", spec.toString()); // warm-up: class loading and QEMU's files in the page cache
            stop(b, vm);
            for (int i = 0; i < runs; i++) {
                Files.createDirectories(plan.paths().dir());
                Files.deleteIfExists(plan.paths().qmpSocket());
                long t0 = System.nanoTime();
                Process qemu = b.track(new ProcessBuilder(plan.argv()).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
                try (RawQmp q = RawQmp.await(plan.paths().qmpSocket(), qemu, 30_000)) {
                    byHand.add(VmBenchSupport.millisSince(t0));
                    q.command("{\"execute\":\"quit\"", "");
                }
                qemu.waitFor();

                t0 = System.nanoTime();
                b.hostdev("vm", "start", spec.toString());
                inProcess.add(VmBenchSupport.millisSince(t0));
                stop(b, vm);

                if (script != null) {
                    t0 = System.nanoTime();
                    Process p = new ProcessBuilder(b.command(script, "vm", "start", spec.toString())).redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                    if (p.waitFor() != 0) {
                        throw new IllegalStateException("hostdev vm start exited " + p.exitValue());
                    }
                    cli.add(VmBenchSupport.millisSince(t0));
                    stop(b, vm);
                }
            }
            double hand = VmBenchSupport.median(byHand);
            System.out.println("vm start until QMP answers, " + runs + " runs (TCG, firmware only, 4 spare root ports):");
            System.out.println("  QEMU by hand, same arguments:   " + VmBenchSupport.summary(byHand));
            System.out.printf(java.util.Locale.ROOT, "  hostdev vm start (in-process):  %s  (median %.2fx, min %.2fx)%n", VmBenchSupport.summary(inProcess),
                    VmBenchSupport.median(inProcess) / hand, VmBenchSupport.min(inProcess) / VmBenchSupport.min(byHand));
            if (!cli.isEmpty()) {
                System.out.printf(java.util.Locale.ROOT, "  hostdev vm start (a new JVM): %s  (median %.2fx)%n", VmBenchSupport.summary(cli),
                        VmBenchSupport.median(cli) / hand);
            }
        }
    }

    /**
     * Stops the VM and waits until its supervisor (a JVM that vm start left starting) has exited: still
     * starting, it would take the CPUs from the next run, QEMU by hand included.
     */
    private static void stop(VmBenchSupport b, VmRuntimeDir vm) throws Exception {
        ProcessIdentity supervisor = vm.require().supervisor();
        b.hostdev("vm", "stop", vm.name(), "--force");
        if (supervisor != null) {
            java.util.Optional<ProcessHandle> h = supervisor.handle();
            if (h.isPresent()) {
                h.get().onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
    }
}
