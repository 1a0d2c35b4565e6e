package dev.hostdev.nativetests.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The guest side of {@link HugepageStartBench}, run inside the lab guest (whose kernel owns the hugepages): alternates
 * rounds of (a) {@code hostdev vm start SPEC} as a whole process (the {@code hostdev} script), timed until it exits and
 * the VM's QMP socket answers a {@code qmp_capabilities}, then {@code vm stop --force}; and (b) the same QEMU command
 * by hand (the argv of {@code hostdev vm cmdline SPEC --json}, its sockets in a run directory of its own), timed until
 * its QMP socket answers a {@code qmp_capabilities}, then killed by pid. The order flips every round. Prints one line
 * per measurement ({@code hostdev MS} / {@code raw MS}), the first {@code vm start}'s output, and each round's free
 * hugepages, each {@code vm start}'s own "started VM … in N ms, M ms since hostdev started (J ms of it the JVM …)" line
 * (where a slow round's time went), the other JVMs running as each side starts, the time of a bare {@code hostdev
 * --version} each round (the price of an emulated JVM start-up then), and the seconds since the first round at the end of each round (to set beside the
 * host's load average, which the host side samples), for the host side to read. Arguments: the {@code hostdev} script, the spec, the VM's name, rounds, a private work directory.
 */
public final class HugepageStartRounds {
    private static final String PAGES = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages";
    private static final java.nio.file.attribute.FileAttribute<?> PRIVATE =
            java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    private static final Path FREE = Path.of("/sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages");

    private HugepageStartRounds() {
    }

    public static void main(String[] args) throws Exception {
        String hostdev = args[0];
        String spec = args[1];
        String name = args[2];
        int rounds = Integer.parseInt(args[3]);
        Path work = Path.of(args[4]);
        Path hdRun = Files.createDirectories(work.resolve("hostdev-run"), PRIVATE);
        Path rawRun = Files.createDirectories(work.resolve("raw-run"), PRIVATE);
        Exec cmdline = exec(List.of(hostdev, "vm", "cmdline", spec, "--json", "--run-dir", rawRun.toString()), work.resolve("cmdline.out"));
        if (cmdline.rc != 0) {
            throw new IllegalStateException("vm cmdline exited " + cmdline.rc + ": " + cmdline.out);
        }
        JsonNode plan = new ObjectMapper().readTree(cmdline.out);
        List<String> argv = new ArrayList<>();
        plan.path("argv").forEach(a -> argv.add(a.asText()));
        System.out.println("argv " + String.join(" ", argv));
        Files.createDirectories(rawRun.resolve(name));
        Path rawQmp = rawRun.resolve(name).resolve("qmp.sock");
        Path hdQmp = hdRun.resolve(name).resolve("qmp.sock");
        System.out.println("pages " + Files.readString(Path.of(PAGES)).strip() + " free " + Files.readString(FREE).strip());
        long began = System.nanoTime();
        for (int r = 1; r <= rounds; r++) {
            final int round = r;
            boolean hostdevFirst = round % 2 == 1;
            for (int side = 0; side < 2; side++) {
                System.out.println("busy " + otherJvms());
                if ((side == 0) == hostdevFirst) {
                    long t0 = System.nanoTime();
                    Exec start = exec(List.of(hostdev, "vm", "start", spec, "--run-dir", hdRun.toString()), work.resolve("start.out"));
                    if (start.rc != 0) {
                        throw new IllegalStateException("vm start exited " + start.rc + ": " + start.out);
                    }
                    try (RawQmp q = new RawQmp(hdQmp)) {
                        q.command("{\"execute\":\"query-status\"", "");
                    }
                    long ms = (System.nanoTime() - t0) / 1_000_000;
                    System.out.println("hostdev " + ms);
                    // every round's own account: vm start's work apart from its JVM's start-up
                    start.out.lines().filter(l -> round == 1 || l.startsWith("started VM")).forEach(l -> System.out.println("vmstart| " + l));
                    Exec stop = exec(List.of(hostdev, "vm", "stop", name, "--force", "--run-dir", hdRun.toString()), work.resolve("stop.out"));
                    if (stop.rc != 0) {
                        throw new IllegalStateException("vm stop exited " + stop.rc + ": " + stop.out);
                    }
                } else {
                    Files.deleteIfExists(rawQmp);
                    long t0 = System.nanoTime();
                    Process qemu = new ProcessBuilder(argv).redirectErrorStream(true)
                            .redirectOutput(work.resolve("raw-qemu.log").toFile()).start();
                    try (RawQmp q = RawQmp.await(rawQmp, qemu, 600_000)) {
                        long ms = (System.nanoTime() - t0) / 1_000_000;
                        System.out.println("raw " + ms);
                    } finally {
                        qemu.destroyForcibly();
                        qemu.waitFor(60, TimeUnit.SECONDS);
                    }
                }
                awaitPagesFree();
            }
            // the same JVM start-up with nothing else to do: the round's price of an emulated JVM
            long j0 = System.nanoTime();
            Exec version = exec(List.of(hostdev, "--version"), work.resolve("version.out"));
            System.out.println("jvm " + (System.nanoTime() - j0) / 1_000_000 + (version.rc == 0 ? "" : " (exit " + version.rc + ")"));
            System.out.printf(Locale.ROOT, "round %d done at %.0f s, guest loadavg %s%n", round, (System.nanoTime() - began) / 1e9,
                    Files.readString(Path.of("/proc/loadavg")).strip());
        }
    }

    /** Other JVMs running in the guest now (a supervisor still starting or stopping competes for the guest's 2 vCPUs). */
    private static String otherJvms() {
        long self = ProcessHandle.current().pid();
        List<String> jvms = ProcessHandle.allProcesses().filter(h -> h.pid() != self)
                .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .map(h -> h.pid() + ":" + h.info().arguments().map(a -> a.length > 0 ? a[a.length - 1] : "").orElse("")).toList();
        return jvms.size() + " other JVMs " + jvms;
    }

    /** Waits until the kernel has all the pages back (QEMU's memfd is freed after its exit). */
    private static void awaitPagesFree() throws IOException, InterruptedException {
        String total = Files.readString(Path.of(PAGES)).strip();
        for (int i = 0; i < 6000 && !Files.readString(FREE).strip().equals(total); i++) {
            Thread.sleep(10);
        }
    }

    private record Exec(int rc, String out) {
    }

    private static Exec exec(List<String> cmd, Path log) throws IOException, InterruptedException {
        File f = log.toFile();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(f).start();
        int rc = p.waitFor();
        return new Exec(rc, Files.readString(log, StandardCharsets.UTF_8));
    }
}
