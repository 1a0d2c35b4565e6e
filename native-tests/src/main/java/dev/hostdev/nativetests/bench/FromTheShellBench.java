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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 13's "from the shell" benchmark: every command a whole process, as a user, script or rig runs it,
 * side by side and interleaved (the first place rotating each round), against raw QEMU/QMP and libvirt.
 * Each round starts one VM a side (same q35 TCG shape: 128 MiB, 1 vCPU, 4 spare root ports, firmware
 * only), hotplugs an e1000e into each, unplugs it (the request: with no guest OS a PCI unplug is never
 * acknowledged), lists devices, then stops them. Round 1 is reported as cold; the median of the other
 * rounds as warm. Run by {@code native-tests/bench/from-the-shell}, which sets up libvirtd.
 *
 * <p>Arguments: {@code --rounds N --hostdev SCRIPT --libvirtd PID [--virtlogd PID] --classes DIR --run-dir DIR
 * --jar JAR --jsa JSA}.
 */
public final class FromTheShellBench {
    private static final String RAW = "raw";
    private static final String VIRSH = "virsh";
    private static final String HOSTDEV = "hostdev";
    private static final String[] VM_SIDES = {RAW, VIRSH, HOSTDEV};
    private static final String[] LIST_SIDES = {"lspci", "jvm", HOSTDEV};
    private static final String URI = "qemu:///system";
    /** The options ./hostdev gives every JVM but a batch's (kept in step by hand; printed with the results). */
    static final List<String> JVM_OPTIONS = List.of("-XX:+UseSerialGC", "-Xmn8m", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
            "-Xlog:disable", "-Xlog:all=warning:stderr");

    private final Map<String, Map<String, List<Double>>> wall = new LinkedHashMap<>();
    private final Map<String, Map<String, List<Double>>> cpu = new LinkedHashMap<>();
    private final Map<String, List<Double>> memory = new LinkedHashMap<>();
    private final String pid = Long.toString(ProcessHandle.current().pid());
    private final String vmName = "shellbench" + pid;
    private final String domain = "hostdev-shellbench-" + pid;
    private final Path runDir;
    private final Path work;
    private final Path script;
    private final long libvirtd;
    private final long virtlogd;
    private final Path classes;
    private final Map<String, String> env;
    private Process rawQemu;
    private LaunchPlan rawPlan;
    private long supervisor = -1;

    private FromTheShellBench(Map<String, String> a) throws IOException {
        runDir = Path.of(a.get("--run-dir"));
        script = Path.of(a.get("--hostdev")).toAbsolutePath();
        libvirtd = Long.parseLong(a.get("--libvirtd"));
        virtlogd = Long.parseLong(a.getOrDefault("--virtlogd", "-1"));
        classes = Path.of(a.get("--classes")).toAbsolutePath();
        work = Files.createDirectories(runDir.resolve("bench"));
        env = Map.of("HOSTDEV_RUN_DIR", runDir.resolve("vms").toString());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        int rounds = Integer.parseInt(a.getOrDefault("--rounds", "9"));
        FromTheShellBench b = new FromTheShellBench(a);
        String load0 = Files.readString(Path.of("/proc/loadavg")).trim();
        try {
            b.setUp();
            for (int r = 0; r <= rounds; r++) {
                b.round(r);
                System.err.printf(Locale.ROOT, "round %d of %d done (load %s)%n", r, rounds, Files.readString(Path.of("/proc/loadavg")).trim());
            }
            b.diagnose(Path.of(a.get("--jar")), Path.of(a.get("--jsa")));
        } finally {
            b.tearDown();
        }
        b.print(rounds, load0, Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private void setUp() throws Exception {
        Path spec = work.resolve(vmName + ".toml");
        Files.writeString(spec, "name = \"" + vmName + "\"\nmemory = \"128M\"\ncpus = 1\naccel = \"tcg\"\nspare_root_ports = 4\n");
        Path raw = work.resolve("raw.toml");
        Files.writeString(raw, "name = \"raw\"\nmemory = \"128M\"\ncpus = 1\naccel = \"tcg\"\nspare_root_ports = 4\n");
        rawPlan = LaunchPlanner.plan(VmSpecLoader.load(raw), new SysfsPciFacts(new Sysfs(new HostRoot(Path.of("/")))),
                new LaunchOptions(work.resolve("raw"), false, Set.of(), false));
        Files.writeString(work.resolve("domain.xml"), domainXml());
        Files.writeString(work.resolve("nic.xml"), "<interface type='user'><model type='e1000e'/><alias name='ua-sbnic'/></interface>\n");
        ShellRun.of(List.of("virsh", "-q", "-c", URI, "define", work.resolve("domain.xml").toString()), Map.of(), 0);
    }

    /** The libvirt domain of the same shape as hostdev's spec: q35, TCG, 128 MiB, 1 vCPU, ACPI, 4 root ports. */
    private String domainXml() {
        StringBuilder s = new StringBuilder("<domain type='qemu'>\n  <name>" + domain + "</name>\n  <memory unit='MiB'>128</memory>\n"
                + "  <vcpu>1</vcpu>\n  <os><type arch='x86_64' machine='q35'>hvm</type></os>\n  <features><acpi/></features>\n"
                + "  <on_poweroff>destroy</on_poweroff>\n  <devices>\n    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
                + "    <controller type='usb' model='none'/>\n    <controller type='pci' model='pcie-root'/>\n");
        for (int i = 0; i < 4; i++) {
            s.append("    <controller type='pci' model='pcie-root-port'/>\n");
        }
        return s.append("    <memballoon model='none'/>\n  </devices>\n</domain>\n").toString();
    }

    private void round(int r) throws Exception {
        for (String side : rotate(VM_SIDES, r)) {
            start(side, r);
        }
        for (String side : rotate(VM_SIDES, r)) {
            attach(side, r);
        }
        for (String side : rotate(VM_SIDES, r)) {
            unplug(side, r);
        }
        if (r > 0) {
            sample("supervisor RSS (MiB)", ProcStat.rssMiB(supervisor));
            sample("supervisor CPU since start (ms)", ProcStat.cpuMillis(supervisor));
            sample("libvirtd RSS (MiB)", ProcStat.rssMiB(libvirtd));
            if (virtlogd > 0) {
                sample("virtlogd RSS (MiB)", ProcStat.rssMiB(virtlogd));
            }
        }
        for (String side : rotate(LIST_SIDES, r)) {
            list(side, r);
        }
        for (String side : rotate(VM_SIDES, r)) {
            stop(side, r);
        }
    }

    private void start(String side, int r) throws Exception {
        pause();
        switch (side) {
            case RAW -> {
                Files.createDirectories(rawPlan.paths().dir());
                Files.deleteIfExists(rawPlan.paths().qmpSocket());
                long t0 = System.nanoTime();
                rawQemu = new ProcessBuilder(rawPlan.argv()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                try (RawQmp q = RawQmp.await(rawPlan.paths().qmpSocket(), rawQemu, 60_000)) {
                    record("start", RAW, r, VmBenchSupport.millisSince(t0), Double.NaN);
                }
            }
            case VIRSH -> virsh("start", r, "start", domain);
            default -> {
                ShellRun run = ShellRun.of(hostdev("vm", "start", work.resolve(vmName + ".toml").toString()), env, 0);
                record("start", HOSTDEV, r, run.wallMillis(), run.cpuMillis());
                Matcher m = Pattern.compile(" in (\\d+) ms").matcher(run.stdout());
                if (m.find() && r > 0) {
                    sample("vm start's printed time (ms)", Double.parseDouble(m.group(1)));
                }
                VmRuntimeDir vm = new VmRuntimeDir(runDir.resolve("vms"), vmName);
                ProcessIdentity s = vm.require().supervisor();
                supervisor = s == null ? -1 : s.pid();
                VmBenchSupport.awaitSupervisor(vm); // a JVM starting takes the CPUs: not during the next measurement
            }
        }
    }

    private void attach(String side, int r) throws Exception {
        pause();
        switch (side) {
            case RAW -> {
                long t0 = System.nanoTime();
                try (RawQmp q = new RawQmp(rawPlan.paths().qmpSocket())) {
                    q.command("{\"execute\":\"device_add\"", ",\"arguments\":{\"driver\":\"e1000e\",\"id\":\"sbnic\",\"bus\":\"pci.1\",\"addr\":\"0x0\"}");
                }
                record("attach", RAW, r, VmBenchSupport.millisSince(t0), Double.NaN);
            }
            case VIRSH -> virsh("attach", r, "attach-device", domain, work.resolve("nic.xml").toString(), "--live");
            default -> hostdevRun("attach", r, new int[] {0}, "attach", vmName, "--emulated", "e1000e", "--id", "sbnic");
        }
    }

    private void unplug(String side, int r) throws Exception {
        pause();
        switch (side) {
            case RAW -> {
                long t0 = System.nanoTime();
                try (RawQmp q = new RawQmp(rawPlan.paths().qmpSocket())) {
                    q.command("{\"execute\":\"device_del\"", ",\"arguments\":{\"id\":\"sbnic\"}");
                }
                record("unplug request", RAW, r, VmBenchSupport.millisSince(t0), Double.NaN);
            }
            // libvirt's asynchronous detach: sends device_del and returns (detach-device --live waits 5 s)
            case VIRSH -> virsh("unplug request", r, "detach-device-alias", domain, "ua-sbnic", "--live");
            // --timeout 1ms: the request, then hostdev's check that the guest did not acknowledge it (exit 10)
            default -> hostdevRun("unplug request", r, new int[] {0, 10}, "unplug", vmName, "sbnic", "--timeout", "1ms");
        }
    }

    private void list(String side, int r) throws Exception {
        pause();
        ShellRun run = switch (side) {
            case "lspci" -> ShellRun.of(List.of("lspci", "-nn"), Map.of(), 0);
            case "jvm" -> {
                List<String> cmd = new ArrayList<>(List.of("java"));
                cmd.addAll(JVM_OPTIONS);
                cmd.addAll(List.of("-cp", classes.toString(), BareJvm.class.getName()));
                yield ShellRun.of(cmd, Map.of(), 0);
            }
            default -> ShellRun.of(hostdev("list"), env, 0);
        };
        record("list", side, r, run.wallMillis(), run.cpuMillis());
    }

    private void stop(String side, int r) throws Exception {
        pause();
        switch (side) {
            case RAW -> {
                long t0 = System.nanoTime();
                try (RawQmp q = new RawQmp(rawPlan.paths().qmpSocket())) {
                    q.command("{\"execute\":\"quit\"", "");
                }
                rawQemu.waitFor();
                record("stop", RAW, r, VmBenchSupport.millisSince(t0), Double.NaN);
            }
            case VIRSH -> virsh("stop", r, "destroy", domain);
            default -> {
                hostdevRun("stop", r, new int[] {0}, "vm", "stop", vmName, "--force");
                ProcessHandle.of(supervisor).ifPresent(h -> h.onExit().join());
            }
        }
    }

    /** A virsh command; its CPU is virsh's own plus what libvirtd and virtlogd spent meanwhile. */
    private void virsh(String op, int r, String... args) throws Exception {
        double d0 = ProcStat.cpuMillis(libvirtd);
        double l0 = virtlogd > 0 ? ProcStat.cpuMillis(virtlogd) : 0;
        List<String> cmd = new ArrayList<>(List.of("virsh", "-q", "-c", URI));
        cmd.addAll(List.of(args));
        ShellRun run = ShellRun.of(cmd, Map.of(), 0);
        double daemons = ProcStat.cpuMillis(libvirtd) - d0 + (virtlogd > 0 ? ProcStat.cpuMillis(virtlogd) - l0 : 0);
        record(op, VIRSH, r, run.wallMillis(), run.cpuMillis() + daemons);
    }

    private void hostdevRun(String op, int r, int[] expected, String... args) throws Exception {
        ShellRun run = ShellRun.of(hostdev(args), env, expected);
        record(op, HOSTDEV, r, run.wallMillis(), run.cpuMillis());
    }

    private List<String> hostdev(String... args) {
        List<String> cmd = new ArrayList<>(List.of(script.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Where a {@code hostdev attach} JVM's time goes: the same command with class loading logged (uptime of
     * each load, and whether it came from the CDS archive), against a bare JVM; into a VM left running for it.
     */
    private void diagnose(Path jar, Path jsa) throws Exception {
        ShellRun.of(hostdev("vm", "start", work.resolve(vmName + ".toml").toString()), env, 0);
        VmRuntimeDir vm = new VmRuntimeDir(runDir.resolve("vms"), vmName);
        ProcessIdentity s = vm.require().supervisor();
        supervisor = s == null ? -1 : s.pid();
        VmBenchSupport.awaitSupervisor(vm);
        System.out.println("Where the time of one JVM goes (class loading logged with -Xlog:class+load, JVM options of ./hostdev):");
        for (String what : new String[] {"bare JVM", "hostdev list", "hostdev attach"}) {
            Path log = work.resolve("classload.log");
            List<String> cmd = new ArrayList<>(List.of("java"));
            cmd.addAll(JVM_OPTIONS);
            if (!what.equals("bare JVM")) { // the bare JVM keeps the JDK's default archive, as in the timed runs
                cmd.add("-XX:SharedArchiveFile=" + jsa.getParent().resolve(what.equals("hostdev list") ? "hostdev-list.jsa" : "hostdev-all.jsa"));
            }
            cmd.add("-Xlog:class+load=info:file=" + log + ":uptime");
            if (what.equals("bare JVM")) {
                cmd.addAll(List.of("-cp", classes.toString(), BareJvm.class.getName()));
            } else if (what.equals("hostdev list")) {
                cmd.addAll(List.of("-jar", jar.toString(), "list"));
            } else {
                cmd.addAll(List.of("-jar", jar.toString(), "attach", vmName, "--emulated", "e1000e", "--id", "diag"));
            }
            ShellRun run = ShellRun.of(cmd, env, 0);
            List<String> lines = Files.readAllLines(log);
            int shared = 0;
            int hostdevClasses = 0;
            double firstHostdev = Double.NaN;
            double last = 0;
            for (String line : lines) {
                Matcher m = Pattern.compile("^\\[([0-9.]+)s\\]").matcher(line);
                double t = m.find() ? Double.parseDouble(m.group(1)) * 1000 : Double.NaN;
                shared += line.contains("shared objects file") ? 1 : 0;
                if (line.contains(" dev.hostdev.")) {
                    hostdevClasses++;
                    if (Double.isNaN(firstHostdev)) {
                        firstHostdev = t;
                    }
                }
                if (!Double.isNaN(t)) {
                    last = t;
                }
            }
            System.out.printf(Locale.ROOT, "  %-15s wall %5.0f ms, CPU %4.0f ms; %5d classes loaded (%d from the CDS archive, %d of hostdev's);"
                    + " first of hostdev's at %.0f ms, last class at %.0f ms%n", what, run.wallMillis(), run.cpuMillis(), lines.size(), shared,
                    hostdevClasses, firstHostdev, last);
            Files.deleteIfExists(log);
        }
        ShellRun.of(hostdev("vm", "stop", vmName, "--force"), env, 0);
        ProcessHandle.of(supervisor).ifPresent(h -> h.onExit().join());
    }

    private void tearDown() {
        if (rawQemu != null) {
            rawQemu.destroyForcibly();
        }
        try {
            ShellRun.of(List.of("virsh", "-q", "-c", URI, "destroy", domain), Map.of(), 0, 1);
            ShellRun.of(List.of("virsh", "-q", "-c", URI, "undefine", domain), Map.of(), 0, 1);
            new VmRuntimeDir(runDir.resolve("vms"), vmName).read().ifPresent(rec -> {
                for (ProcessIdentity p : new ProcessIdentity[] {rec.qemu(), rec.supervisor()}) {
                    if (p != null) {
                        p.handle().ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
            });
        } catch (Exception e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }

    /** Lets QEMU's deferred work (RCU callbacks) and the previous process's exit finish before the next measurement. */
    private static void pause() throws InterruptedException {
        Thread.sleep(200);
    }

    private static List<String> rotate(String[] sides, int r) {
        List<String> l = new ArrayList<>();
        for (int i = 0; i < sides.length; i++) {
            l.add(sides[(i + r) % sides.length]);
        }
        return l;
    }

    private void record(String op, String side, int r, double wallMillis, double cpuMillis) {
        String key = r == 0 ? op + " (cold)" : op;
        wall.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(side, k -> new ArrayList<>()).add(wallMillis);
        cpu.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(side, k -> new ArrayList<>()).add(cpuMillis);
    }

    private void sample(String what, double value) {
        memory.computeIfAbsent(what, k -> new ArrayList<>()).add(value);
    }

    private void print(int rounds, String load0, String load1) {
        System.out.printf(Locale.ROOT, "%nFrom the shell: whole processes, medians of %d warm rounds (cold: the first round), interleaved."
                + "%nLoad average before: %s; after: %s.%n%n", rounds, load0, load1);
        System.out.println("| wall time | raw QEMU/QMP | `virsh` | `hostdev` | hostdev / virsh | hostdev / raw |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (String op : wall.keySet()) {
            if (op.startsWith("list")) {
                continue;
            }
            Map<String, List<Double>> w = wall.get(op);
            double raw = VmBenchSupport.median(w.get(RAW));
            double virsh = VmBenchSupport.median(w.get(VIRSH));
            double hd = VmBenchSupport.median(w.get(HOSTDEV));
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | **%.2f×** | %.1f× |%n", op, fmt(raw), fmt(virsh), fmt(hd), hd / virsh, hd / raw);
        }
        System.out.println();
        System.out.println("| CPU time (user + system) | `virsh` + libvirtd + virtlogd | `hostdev` (its JVM) | hostdev / virsh |");
        System.out.println("| --- | --- | --- | --- |");
        for (String op : cpu.keySet()) {
            if (op.startsWith("list")) {
                continue;
            }
            Map<String, List<Double>> c = cpu.get(op);
            double virsh = VmBenchSupport.median(c.get(VIRSH));
            double hd = VmBenchSupport.median(c.get(HOSTDEV));
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f× |%n", op, fmt(virsh), fmt(hd), hd / virsh);
        }
        System.out.println();
        System.out.println("| list (6 devices here) | `lspci -nn` | bare JVM, ./hostdev's options | `hostdev list` | vs bare JVM | vs lspci |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (String op : wall.keySet()) {
            if (!op.startsWith("list")) {
                continue;
            }
            double l = VmBenchSupport.median(wall.get(op).get("lspci"));
            double j = VmBenchSupport.median(wall.get(op).get("jvm"));
            double h = VmBenchSupport.median(wall.get(op).get(HOSTDEV));
            System.out.printf(Locale.ROOT, "| %s, wall | %s | %s | %s | **%.2f×** | %.2f× |%n", op, fmt(l), fmt(j), fmt(h), h / j, h / l);
            double lc = VmBenchSupport.median(cpu.get(op).get("lspci"));
            double jc = VmBenchSupport.median(cpu.get(op).get("jvm"));
            double hc = VmBenchSupport.median(cpu.get(op).get(HOSTDEV));
            System.out.printf(Locale.ROOT, "| %s, CPU | %s | %s | %s | %.2f× | %.2f× |%n", op, fmt(lc), fmt(jc), fmt(hc), hc / jc, hc / lc);
        }
        System.out.println();
        for (Map.Entry<String, List<Double>> e : memory.entrySet()) {
            System.out.printf(Locale.ROOT, "%s: median %.1f (min %.1f, max %.1f)%n", e.getKey(), VmBenchSupport.median(e.getValue()),
                    VmBenchSupport.min(e.getValue()), e.getValue().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
        }
        System.out.println("Warm round samples (wall ms, sorted):");
        for (String op : wall.keySet()) {
            if (!op.endsWith("(cold)")) {
                wall.get(op).forEach((side, xs) -> System.out.printf(Locale.ROOT, "  %-15s %-8s %s%n", op, side, VmBenchSupport.sorted(xs)));
            }
        }
    }

    private static String fmt(double ms) {
        return Double.isNaN(ms) ? "—" : String.format(Locale.ROOT, "%,.0f ms", ms);
    }
}
