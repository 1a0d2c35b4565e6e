package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hostdev.launcher.it.RealQemu;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.io.PrintWriter;
import java.io.StringWriter;
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
 * The fast path and picocli on a real QEMU (TCG, firmware only): vm start, vm status, attach, unplug --no-wait and
 * vm stop --force print the same, each through both. A change can run only once, so the two runs of it differ in
 * what they are given or meet (device id, root port, QEMU pid, times), which is hidden before comparing. Every QEMU
 * and supervisor started here is killed by pid afterwards.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CommandFastPathRealQemuTest {
    @TempDir
    Path root;

    private final List<ProcessIdentity> started = new ArrayList<>();

    private VmRuntimeDir dir() {
        return new VmRuntimeDir(root.resolve("run/hostdev/vms"), "fpq");
    }

    private void noteProcesses() {
        dir().read().ifPresent(r -> {
            started.add(r.qemu());
            started.add(r.supervisor());
        });
    }

    @AfterEach
    void killAll() {
        noteProcesses();
        for (ProcessIdentity p : started) {
            if (p != null) {
                p.handle().ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private String[] line(String... args) {
        List<String> a = new ArrayList<>(List.of(args));
        a.addAll(List.of("--root", root.toString()));
        return a.toArray(String[]::new);
    }

    private CliRun fast(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Integer code = CommandFastPath.tryRun(line(args), new PrintWriter(out, true), new PrintWriter(err, true));
        assertNotNull(code, "the fast path takes " + String.join(" ", args));
        return new CliRun(code, out.toString(), err.toString());
    }

    private CliRun picocli(String... args) {
        return CliRun.run(line(args));
    }

    private static CliRun hidden(CliRun r, String... words) {
        return new CliRun(r.exitCode(), hide(r.out(), words), hide(r.err(), words));
    }

    private static String hide(String s, String... words) {
        for (String w : words) {
            s = s.replace(w, "WORD");
        }
        return s.replaceAll("[0-9]+ ms", "N ms").replaceAll("\"(took_ms)\":[0-9]+", "\"$1\":N")
                .replaceAll("pid\"?:? ?[0-9]+", "pid N").replaceAll("pci\\.[0-9]+", "pci.N")
                .replaceAll("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z", "TIME");
    }

    @Test
    void bothPathsPrintTheSameOnARealQemu() throws Exception {
        assumeTrue(RealQemu.binary().isPresent(), RealQemu.SKIP);
        Path spec = root.resolve("fpq.toml");
        Files.writeString(spec, "name = \"fpq\"\nmemory = \"128M\"\naccel = \"tcg\"\nspare_root_ports = 6\n");
        String s = spec.toString();

        CliRun start1 = fast("vm", "start", s);
        noteProcesses();
        assertEquals(0, start1.exitCode(), start1.err());
        assertTrue(start1.out().startsWith("started VM fpq (QEMU pid "), start1.out());
        assertEquals(picocli("vm", "status", "fpq"), fast("vm", "status", "fpq"));
        assertEquals(picocli("vm", "status", "fpq", "--json"), fast("vm", "status", "fpq", "--json"));
        assertEquals(picocli("attach", "fpq", "--emulated", "e1000e", "--dry-run"), fast("attach", "fpq", "--emulated", "e1000e", "--dry-run"));
        assertEquals(hidden(picocli("attach", "fpq", "--emulated", "e1000e", "--id", "p1", "--json"), "p1"),
                hidden(fast("attach", "fpq", "--emulated", "e1000e", "--id", "f1", "--json"), "f1"));
        CliRun attached = fast("attach", "fpq", "--emulated", "e1000e", "--id", "f2");
        assertTrue(attached.out().startsWith("attached e1000e to VM fpq as f2 on root port pci."), attached.out() + attached.err());
        assertEquals(hidden(picocli("attach", "fpq", "--emulated", "e1000e", "--id", "p2"), "p2"), hidden(attached, "f2"));
        assertEquals(picocli("unplug", "fpq", "f1", "--dry-run"), fast("unplug", "fpq", "f1", "--dry-run"));
        assertEquals(hidden(picocli("unplug", "fpq", "p1", "--no-wait", "--json"), "p1"), hidden(fast("unplug", "fpq", "f1", "--no-wait", "--json"), "f1"));
        CliRun unplugged = fast("unplug", "fpq", "f2", "--no-wait");
        assertTrue(unplugged.out().startsWith("asked VM fpq to unplug f2"), unplugged.out() + unplugged.err());
        assertEquals(hidden(picocli("unplug", "fpq", "p2", "--no-wait"), "p2"), hidden(unplugged, "f2"));
        assertEquals(picocli("vm", "status", "fpq"), fast("vm", "status", "fpq"));
        assertEquals(picocli("vm", "stop", "fpq", "--dry-run", "--force"), fast("vm", "stop", "fpq", "--dry-run", "--force"));
        CliRun stop1 = fast("vm", "stop", "fpq", "--force");
        assertEquals(0, stop1.exitCode(), stop1.err());
        assertTrue(stop1.out().contains("VM fpq is stopped: QEMU quit"), stop1.out());

        CliRun start2 = picocli("vm", "start", s);
        noteProcesses();
        assertEquals(hidden(start2), hidden(start1));
        CliRun stop2 = picocli("vm", "stop", "fpq", "--force");
        assertEquals(hidden(stop2), hidden(stop1));
        assertEquals(picocli("vm", "status", "fpq", "--json"), fast("vm", "status", "fpq", "--json"));
    }
}
