package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostdev.launcher.it.RealQemu;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands a rig calls one process at a time, each in a JVM of its own on a real QEMU (TCG, firmware only), load
 * none of what costs a cold start tens of milliseconds: picocli (its model and parsing), Jackson's ObjectMapper (data
 * binding), a record's generated equals or hashCode (java.lang.runtime.ObjectMethods links through java.lang.invoke), a
 * child process (JNA's ldconfig; a waiter left as vm start's child, which holds the JVM's exit 300 ms). Every QEMU and
 * supervisor started here is killed by pid afterwards.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LeanStartOnRealQemuTest {
    private static final List<String> COSTLY = List.of(" picocli.", " com.fasterxml.jackson.databind.ObjectMapper ",
            " java.lang.runtime.ObjectMethods ");

    @TempDir
    Path root;

    private final List<ProcessIdentity> started = new ArrayList<>();

    @AfterEach
    void killAll() {
        new VmRuntimeDir(root.resolve("run/hostdev/vms"), "lean").read().ifPresent(r -> {
            started.add(r.qemu());
            started.add(r.supervisor());
        });
        for (ProcessIdentity p : started) {
            if (p != null) {
                p.handle().ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Runs hostdev in a JVM of its own; returns its output and the classes it loaded that cost a cold start. */
    private List<String> run(String what, boolean startsAProcess, String... args) throws Exception {
        Path log = root.resolve("classes-" + started.size() + "-" + args[0] + ".txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:off", "-Xlog:class+load:file=" + log, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--root", root.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), what);
        assertEquals(0, p.exitValue(), what + ": " + out);
        new VmRuntimeDir(root.resolve("run/hostdev/vms"), "lean").read().ifPresent(r -> started.add(r.qemu()));
        List<String> costly = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (COSTLY.stream().anyMatch(line::contains) || !startsAProcess && line.contains(" java.lang.ProcessImpl ")) {
                costly.add(line.replaceAll(" source: .*", ""));
            }
        }
        return costly;
    }

    @Test
    void theCommonCommandsLoadNothingCostly() throws Exception {
        assumeTrue(RealQemu.binary().isPresent(), RealQemu.SKIP);
        Path spec = root.resolve("lean.toml");
        Files.writeString(spec, "name = \"lean\"\nmemory = \"128M\"\naccel = \"tcg\"\nspare_root_ports = 2\n");
        assertEquals(List.of(), run("vm start", true, "vm", "start", spec.toString()), "vm start");
        assertEquals(List.of(), run("attach", false, "attach", "lean", "--emulated", "e1000e", "--id", "n1"), "attach");
        assertEquals(List.of(), run("vm status", false, "vm", "status", "lean"), "vm status");
        assertEquals(List.of(), run("unplug", false, "unplug", "lean", "n1", "--no-wait"), "unplug --no-wait");
        assertEquals(List.of(), run("vm stop", false, "vm", "stop", "lean", "--force"), "vm stop --force");
    }
}
