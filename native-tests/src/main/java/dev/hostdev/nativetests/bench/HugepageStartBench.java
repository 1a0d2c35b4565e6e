package dev.hostdev.nativetests.bench;

import dev.hostdev.launcher.lab.GuestResult;
import dev.hostdev.launcher.lab.HostdevLauncher;
import dev.hostdev.launcher.lab.LabEnvironment;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabVm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 16.3's last benchmark: {@code hostdev vm start} of a VM whose RAM is pre-allocated 2M hugepages
 * ({@code [placement] hugepages = "2M"}, {@code memory-backend-memfd,hugetlb=on,prealloc=on}) against the same QEMU
 * command by hand. Hugepages are reserved inside the lab guest only (its kernel's {@code /proc/sys/vm/nr_hugepages}),
 * never on this host: the lab VM is booted with more RAM ({@link LabMachine#withMemory}), {@code nr_hugepages} raised
 * in it, and {@link HugepageStartRounds} run in it (the guest's root is this host's {@code /}, read-only, so the
 * worktree's {@code hostdev} script and classes are there). Both sides pay the same page touching under TCG; the ratio
 * of the medians is what counts. Arguments: rounds a side (default 4), the nested VM's memory (default 2G).
 * The host's load average is sampled every 10 s during the rounds and printed with them. Run from the repository's top directory after {@code mvn -pl native-tests -am package -DskipTests}.
 */
public final class HugepageStartBench {
    private HugepageStartBench() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        String memory = args.length > 1 ? args[1] : "2G";
        long mib = Long.parseLong(memory.substring(0, memory.length() - 1)) * (memory.endsWith("G") ? 1024 : 1);
        long pages = mib / 2 + 64;
        Path top = Path.of("").toAbsolutePath();
        Path jar = top.resolve("qemu-launcher/target/hostdev.jar");
        Path classes = top.resolve("native-tests/target/classes");
        Path script = top.resolve("hostdev");
        LabEnvironment env = LabEnvironment.detect();
        String hostLoadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        long labMib = mib + 1536;
        try (LabVm vm = LabVm.boot(env, LabMachine.standard().withMemory(((labMib + 1023) / 1024) + "G"), HostdevLauncher.jar(env.java(), jar),
                Duration.ofMinutes(5))) {
            System.out.println("lab guest booted in " + vm.bootTime().toMillis() + " ms with " + ((labMib + 1023) / 1024) + "G");
            GuestResult reserve = vm.run("echo " + pages + " > /proc/sys/vm/nr_hugepages; cat /proc/sys/vm/nr_hugepages; "
                    + "grep -E 'MemTotal|MemFree|HugePages_(Total|Free)' /proc/meminfo", Duration.ofMinutes(2));
            System.out.println("guest: nr_hugepages " + reserve.stdout().strip().replace("\n", "; "));
            Files.writeString(vm.exchangeDir().resolve("hp.toml"), """
                    name = "hpbench"
                    memory = "%s"
                    cpus = 1
                    accel = "tcg"

                    [placement]
                    hugepages = "2M"
                    """.formatted(memory));
            String spec = LabVm.GUEST_EXCHANGE_DIR + "/hp.toml";
            String cmd = "mkdir -p /tmp/hpb && chmod 700 /tmp/hpb && cd " + top + " && " + env.java() + " -XX:+UseSerialGC -cp " + jar + ":" + classes
                    + " " + HugepageStartRounds.class.getName() + " " + script + " " + spec + " hpbench " + rounds + " /tmp/hpb";
            List<String> hostLoad = new java.util.concurrent.CopyOnWriteArrayList<>();
            long began = System.nanoTime();
            Thread sampler = new Thread(() -> {
                try {
                    while (true) {
                        hostLoad.add(String.format(Locale.ROOT, "%.0f s: %s", (System.nanoTime() - began) / 1e9,
                                Files.readString(Path.of("/proc/loadavg")).strip()));
                        Thread.sleep(10_000);
                    }
                } catch (InterruptedException | java.io.IOException e) {
                    // the rounds are over
                }
            }, "host-loadavg");
            sampler.setDaemon(true);
            sampler.start();
            GuestResult r = vm.run(cmd, Duration.ofMinutes(40));
            sampler.interrupt();
            List<Long> hostdev = new ArrayList<>();
            List<Long> raw = new ArrayList<>();
            List<Long> jvm = new ArrayList<>();
            for (String line : r.stdout().split("\n")) {
                System.out.println("  guest| " + line);
                if (line.startsWith("hostdev ")) {
                    hostdev.add(Long.parseLong(line.substring(8).strip()));
                } else if (line.startsWith("raw ")) {
                    raw.add(Long.parseLong(line.substring(4).strip()));
                } else if (line.matches("jvm [0-9]+")) {
                    jvm.add(Long.parseLong(line.substring(4)));
                }
            }
            if (r.exitStatus() != 0) {
                System.out.println("guest rounds exited " + r.exitStatus() + ": " + r.stderr());
            }
            String hostLoadAfter = Files.readString(Path.of("/proc/loadavg")).strip();
            System.out.println("vm start with " + memory + " of pre-allocated 2M hugepages (TCG in the TCG lab guest), " + hostdev.size()
                    + " + " + raw.size() + " rounds:");
            System.out.println("  hostdev vm start (whole process, until QMP answers): " + hostdev + " ms, median " + median(hostdev) + " ms");
            System.out.println("  same QEMU command by hand (until qmp_capabilities answers): " + raw + " ms, median " + median(raw) + " ms");
            System.out.println("  hostdev --version (a bare JVM start of the same script, once a round): " + jvm + " ms, median " + median(jvm) + " ms");
            if (!hostdev.isEmpty() && !raw.isEmpty()) {
                System.out.printf(Locale.ROOT, "  ratio hostdev/raw of the medians: %.2fx%n", (double) median(hostdev) / median(raw));
            }
            System.out.println("  host load average before: " + hostLoadBefore + "; after: " + hostLoadAfter);
            System.out.println("  host load average every 10 s from the start of the guest's rounds (its JVM starts first, a few s):");
            hostLoad.forEach(l -> System.out.println("    " + l));
        }
    }

    private static long median(List<Long> xs) {
        if (xs.isEmpty()) {
            return -1;
        }
        List<Long> s = xs.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
