package dev.hostdev.nativetests.bench;

import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.hotplug.Attacher;
import dev.hostdev.launcher.hotplug.HotplugDevice;
import dev.hostdev.launcher.topology.SysfsPciFacts;
import dev.hostdev.launcher.vm.ManagedDevices;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The attach round trip of an emulated NIC: hostdev's {@link Attacher} (lock, state.json, slot
 * choice, connect, device_add, qom-list confirmation, state.json update) against the same QMP
 * commands over a raw socket (connect, greeting, qmp_capabilities, device_add, qom-list). Two VMs
 * with enough spare root ports, one per side; after {@value #WARMUP} warm-up attaches on each side
 * (into two other VMs), medians of N attaches (default 10, first argument), the two sides alternating.
 */
public final class VmAttachBench {
    /**
     * Attaches on each side before the measured ones, into VMs of their own stopped before the
     * measurement: the JIT compiles the attach path (Jackson, the QMP client) only after some hundred
     * runs, and meanwhile its compiler threads take the CPUs QEMU needs. A hotplug rig that attaches
     * thousands of times is measured once that is over. Without a guest OS nothing can be unplugged, so
     * every attach takes a root port of its own.
     */
    private static final int WARMUP = 150;

    private VmAttachBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path jar = args.length > 1 ? Path.of(args[1]) : null;
        int cliRuns = jar == null ? 0 : Math.min(3, runs);
        try (VmBenchSupport b = new VmBenchSupport()) {
            warmUp(b);
            VmRuntimeDir raw = b.track("braw");
            VmRuntimeDir hd = b.track("bhd");
            b.hostdev("vm", "start", b.spec("braw", runs).toString());
            b.hostdev("vm", "start", b.spec("bhd", runs + cliRuns).toString());
            List<String> rawPorts = freeRootPorts(raw);
            Attacher attacher = attacher(b, hd);
            VmBenchSupport.awaitSupervisor(raw);
            VmBenchSupport.awaitSupervisor(hd);
            List<Double> rawMs = new ArrayList<>();
            List<Double> hdMs = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                rawAttach(raw, "raw" + i, rawPorts.get(i));
                rawMs.add(VmBenchSupport.millisSince(t0));
                t0 = System.nanoTime();
                attacher.attach(new HotplugDevice.Emulated("e1000e"), null, false);
                hdMs.add(VmBenchSupport.millisSince(t0));
            }
            List<Double> cliMs = new ArrayList<>();
            for (int i = 0; i < cliRuns; i++) {
                long t0 = System.nanoTime();
                Process p = new ProcessBuilder(b.command(jar, "attach", "bhd", "--emulated", "e1000e")).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("hostdev attach exited " + p.exitValue());
                }
                cliMs.add(VmBenchSupport.millisSince(t0));
            }
            double r = VmBenchSupport.median(rawMs);
            double h = VmBenchSupport.median(hdMs);
            System.out.println("attach e1000e round trip, " + runs + " runs:");
            System.out.println("  raw QMP socket (connect, capabilities, device_add, qom-list): " + VmBenchSupport.summary(rawMs));
            System.out.printf(java.util.Locale.ROOT, "  hostdev Attacher (in-process):   %s  (median %.2fx, min %.2fx)%n",
                    VmBenchSupport.summary(hdMs), h / r, VmBenchSupport.min(hdMs) / VmBenchSupport.min(rawMs));
            System.out.println("  raw, sorted (ms):      " + VmBenchSupport.sorted(rawMs));
            System.out.println("  Attacher, sorted (ms): " + VmBenchSupport.sorted(hdMs));
            if (!cliMs.isEmpty()) {
                System.out.printf(java.util.Locale.ROOT, "  hostdev attach (a new JVM):    %s  (median %.2fx)%n",
                        VmBenchSupport.summary(cliMs), VmBenchSupport.median(cliMs) / r);
            }
            b.hostdev("vm", "stop", "braw", "--force");
            b.hostdev("vm", "stop", "bhd", "--force");
        }
    }

    private static void warmUp(VmBenchSupport b) throws Exception {
        VmRuntimeDir raw = b.track("wraw");
        VmRuntimeDir hd = b.track("whd");
        b.hostdev("vm", "start", b.spec("wraw", WARMUP).toString());
        b.hostdev("vm", "start", b.spec("whd", WARMUP).toString());
        List<String> rawPorts = freeRootPorts(raw);
        Attacher attacher = attacher(b, hd);
        for (int w = 0; w < WARMUP; w++) {
            rawAttach(raw, "warm" + w, rawPorts.get(w));
            attacher.attach(new HotplugDevice.Emulated("e1000e"), null, false);
        }
        b.hostdev("vm", "stop", "wraw", "--force");
        b.hostdev("vm", "stop", "whd", "--force");
    }

    private static List<String> freeRootPorts(VmRuntimeDir vm) {
        return vm.require().slots().slots().stream().filter(s -> s.kind() == SlotKind.ROOT_PORT && s.isFree()).map(Slot::bus).toList();
    }

    private static Attacher attacher(VmBenchSupport b, VmRuntimeDir vm) {
        return new Attacher(vm, ManagedDevices.engine(null), new SysfsPciFacts(new Sysfs(new HostRoot(b.root))), null);
    }

    private static void rawAttach(VmRuntimeDir vm, String id, String port) throws Exception {
        try (RawQmp q = new RawQmp(vm.qmpSocket())) {
            q.command("{\"execute\":\"device_add\"", ",\"arguments\":{\"driver\":\"e1000e\",\"id\":\"" + id + "\",\"bus\":\"" + port + "\",\"addr\":\"0x0\"}");
            String list = q.command("{\"execute\":\"qom-list\"", ",\"arguments\":{\"path\":\"/machine/peripheral\"}");
            if (!list.contains("\"" + id + "\"")) {
                throw new IllegalStateException(id + " not in " + list);
            }
        }
    }
}
