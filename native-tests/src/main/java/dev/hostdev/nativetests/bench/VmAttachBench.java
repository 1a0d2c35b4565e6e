package dev.hostdev.nativetests.bench;

import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.hotplug.Attacher;
import dev.hostdev.launcher.hotplug.HostDeviceChecks;
import dev.hostdev.launcher.vm.RunningVm;
import dev.hostdev.launcher.hotplug.HotplugDevice;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The attach round trip of an emulated NIC, three ways, against the same QMP commands over a raw socket
 * (connect, greeting, qmp_capabilities, device_add, qom-list):
 * <ul>
 * <li>hostdev's {@link Attacher} in this JVM, as a program using hostdev's API (lock, state.json, slot
 * choice, connect, device_add, qom-list confirmation, state.json update);</li>
 * <li>{@code hostdev batch --json} in a JVM of its own, run by the {@code hostdev} script, fed one
 * {@code attach} line at a time, each result read before the next line is sent: what a hotplug rig
 * driving hostdev from a shell or another language gets;</li>
 * <li>with the hostdev script given (second argument), {@code hostdev attach} in a JVM of its own, a few times.</li>
 * </ul>
 * Without a guest OS nothing can be unplugged, so every attach takes a root port of its own: the
 * attaches run in rounds, each round into new VMs (one a side) of {@value #PORTS} spare root ports, as
 * QEMU's time for device_add grows with the devices a VM has. Within a round the sides take turns, the
 * first place rotating, each attach after a pause in which the previous one's QEMU finishes its
 * deferred work (RCU callbacks, batched every 10 ms) rather than bill it to the next side. First 500
 * attaches a side unmeasured ({@code -Dwarmup=N}), then N a side (default 120, first argument).
 */
public final class VmAttachBench {
    /**
     * Attaches a side before the measured ones: the JIT compiles the attach path (Jackson, the QMP
     * client) only after some hundred runs, and meanwhile its compiler threads take the CPUs QEMU needs.
     * A hotplug rig that attaches thousands of times is measured once that is over; {@code hostdev batch}
     * compiles after a tenth of the usual calls, so it is there after a hundred or so.
     */
    private static final int WARMUP = Integer.getInteger("warmup", 500);
    /** Spare root ports of each VM: as many as a hotplug rig's VM might have. */
    private static final int PORTS = 30;
    /** Before each measured attach (-Dpause=MS): the previous one's QEMU has done its deferred work by then. */
    private static final long PAUSE_MILLIS = Long.getLong("pause", 60);

    /** One way of attaching, into a VM of its own. */
    private interface Side {
        /** Starts a new VM; the next {@link #attach}es go into it. */
        VmRuntimeDir newVm(VmBenchSupport b, String name) throws Exception;

        /** Attaches the {@code i}th device of the current VM. */
        void attach(int i) throws Exception;
    }

    private VmAttachBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 120;
        Path script = args.length > 1 ? Path.of(args[1]) : null;
        try (VmBenchSupport b = new VmBenchSupport()) {
            Process batchProcess = script == null ? null : b.track(new ProcessBuilder(b.command(script, "batch", "--json"))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start());
            List<Side> sides = new ArrayList<>(List.of(new Raw(), new Api()));
            if (batchProcess != null) {
                sides.add(new Batch(batchProcess));
            }
            rounds(b, sides, WARMUP, "w", false);
            List<List<Double>> ms = rounds(b, sides, runs, "m", true);
            List<Double> cliMs = script == null ? List.of() : cli(b, script);
            List<Double> rawMs = ms.get(0);
            System.out.println("attach e1000e round trip, " + runs + " runs a side (VMs of " + PORTS + " spare root ports), after "
                    + WARMUP + " warm-up attaches a side:");
            System.out.println("  raw QMP socket (connect, capabilities, device_add, qom-list): " + VmBenchSupport.summary(rawMs));
            print("hostdev Attacher (in-process)", ms.get(1), rawMs);
            if (batchProcess != null) {
                print("hostdev batch (a JVM of its own)", ms.get(2), rawMs);
            }
            String[] names = {"raw", "Attacher", "batch"};
            for (int s = 0; s < sides.size(); s++) {
                System.out.printf(Locale.ROOT, "  %-9s sorted (ms): %s%n", names[s] + ",", VmBenchSupport.sorted(ms.get(s)));
            }
            if (!cliMs.isEmpty()) {
                System.out.printf(Locale.ROOT, "  hostdev attach (a new JVM each):    %s  (median %.2fx)%n",
                        VmBenchSupport.summary(cliMs), VmBenchSupport.median(cliMs) / VmBenchSupport.median(rawMs));
            }
            if (batchProcess != null) {
                batchProcess.getOutputStream().close();
                batchProcess.waitFor();
            }
        }
    }

    /** {@code count} attaches a side, in rounds of new VMs; the times, a list a side. */
    private static List<List<Double>> rounds(VmBenchSupport b, List<Side> sides, int count, String prefix, boolean measured)
            throws Exception {
        long pauseMillis = measured ? PAUSE_MILLIS : 0;
        List<List<Double>> ms = new ArrayList<>();
        sides.forEach(s -> ms.add(new ArrayList<>()));
        for (int round = 0, done = 0; done < count; round++) {
            List<VmRuntimeDir> vms = new ArrayList<>();
            for (int s = 0; s < sides.size(); s++) {
                vms.add(sides.get(s).newVm(b, prefix + round + "s" + s));
            }
            if (measured) { // the supervisors' JVMs start first, not during the measurement
                for (VmRuntimeDir vm : vms) {
                    VmBenchSupport.awaitSupervisor(vm);
                }
            }
            int n = Math.min(PORTS, count - done);
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < sides.size(); k++) {
                    int s = (done + i + k) % sides.size();
                    Thread.sleep(pauseMillis);
                    long t0 = System.nanoTime();
                    sides.get(s).attach(i);
                    ms.get(s).add(VmBenchSupport.millisSince(t0));
                }
            }
            for (VmRuntimeDir vm : vms) {
                b.hostdev("vm", "stop", vm.name(), "--force");
            }
            done += n;
        }
        return ms;
    }

    /** {@code hostdev attach} in a JVM of its own, three times. */
    private static List<Double> cli(VmBenchSupport b, Path script) throws Exception {
        VmRuntimeDir vm = new Api().newVm(b, "cli");
        VmBenchSupport.awaitSupervisor(vm);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(b.command(script, "attach", vm.name(), "--emulated", "e1000e")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("hostdev attach exited " + p.exitValue());
            }
            ms.add(VmBenchSupport.millisSince(t0));
        }
        b.hostdev("vm", "stop", vm.name(), "--force");
        return ms;
    }

    private static void print(String what, List<Double> ms, List<Double> rawMs) {
        System.out.printf(Locale.ROOT, "  %-34s %s  (median %.2fx, mean %.2fx, min %.2fx)%n", what + ":", VmBenchSupport.summary(ms),
                VmBenchSupport.median(ms) / VmBenchSupport.median(rawMs), VmBenchSupport.mean(ms) / VmBenchSupport.mean(rawMs),
                VmBenchSupport.min(ms) / VmBenchSupport.min(rawMs));
    }

    private static VmRuntimeDir start(VmBenchSupport b, String vm) {
        VmRuntimeDir dir = b.track(vm);
        b.hostdev("vm", "start", spec(b, vm));
        return dir;
    }

    private static String spec(VmBenchSupport b, String vm) {
        try {
            return b.spec(vm, PORTS).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The same QMP commands over a bare socket, each attach on the next free root port. */
    private static final class Raw implements Side {
        private VmRuntimeDir vm;
        private List<String> free;

        @Override
        public VmRuntimeDir newVm(VmBenchSupport b, String name) {
            vm = start(b, name);
            free = vm.require().slots().slots().stream().filter(s -> s.kind() == SlotKind.ROOT_PORT && s.isFree()).map(Slot::bus).toList();
            return vm;
        }

        @Override
        public void attach(int i) throws Exception {
            String id = "raw" + i;
            try (RawQmp q = new RawQmp(vm.qmpSocket())) {
                q.command("{\"execute\":\"device_add\"", ",\"arguments\":{\"driver\":\"e1000e\",\"id\":\"" + id + "\",\"bus\":\""
                        + free.get(i) + "\",\"addr\":\"0x0\"}");
                String list = q.command("{\"execute\":\"qom-list\"", ",\"arguments\":{\"path\":\"/machine/peripheral\"}");
                if (!list.contains("\"" + id + "\"")) {
                    throw new IllegalStateException(id + " not in " + list);
                }
            }
        }
    }

    /** hostdev's API in this JVM. */
    private static final class Api implements Side {
        private Attacher attacher;

        @Override
        public VmRuntimeDir newVm(VmBenchSupport b, String name) {
            VmRuntimeDir vm = start(b, name);
            Sysfs sysfs = new Sysfs(new HostRoot(b.root));
            attacher = new Attacher(new RunningVm(vm, ManagedDevices.engine(null), null), new SysfsPciFacts(sysfs), new HostDeviceChecks(sysfs));
            return vm;
        }

        @Override
        public void attach(int i) {
            attacher.attach(new HotplugDevice.Emulated("e1000e"), null, false);
        }
    }

    /** Lines to a running {@code hostdev batch --json}; each result line is read before the next is sent. */
    private static final class Batch implements Side {
        private final OutputStream to;
        private final BufferedReader from;
        private byte[] line;

        Batch(Process batch) {
            to = batch.getOutputStream();
            from = new BufferedReader(new InputStreamReader(batch.getInputStream(), StandardCharsets.UTF_8));
        }

        @Override
        public VmRuntimeDir newVm(VmBenchSupport b, String name) {
            line = ("attach " + name + " --emulated e1000e\n").getBytes(StandardCharsets.UTF_8);
            return start(b, name);
        }

        @Override
        public void attach(int i) throws Exception {
            to.write(line);
            to.flush();
            String result = from.readLine();
            if (result == null || !result.contains("\"exit\":0,")) {
                throw new IllegalStateException("hostdev batch: " + result);
            }
        }
    }
}
