package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.testing.SampleHosts;
import dev.hostdev.launcher.vm.EndedProcess;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast path ({@link CommandFastPath}) prints the same bytes to stdout and stderr and exits with the same status as
 * picocli running the same line, for every spelling it takes, on VMs recorded in a temporary run directory (a QEMU
 * that has ended, a stopped VM, none at all); and it leaves every other line to picocli, having done nothing. Each line
 * runs on a fresh copy of the records, as {@code vm stop} cleans a VM up. The only difference allowed is a time a
 * command measured ({@code N ms}) and the time a run noticed that QEMU had ended, which two runs cannot share.
 */
class CommandFastPathTest {
    @TempDir
    Path dir;

    private Path root;
    private Path runDir;
    private ProcessIdentity ended;

    @BeforeEach
    void host() throws Exception {
        root = dir.resolve("host");
        SampleHosts.workstation(root);
        runDir = dir.resolve("vms");
        ended = EndedProcess.identity();
        Files.writeString(dir.resolve("fp.toml"), "name = \"fp\"\nmemory = \"128M\"\naccel = \"tcg\"\nspare_root_ports = 2\n");
        Files.writeString(dir.resolve("broken.toml"), "name = \"broken\"\nmemory = 12\n");
    }

    /** The VMs, as at the start of every run: "gone" (its QEMU ended), "off" (stopped), in both run directories. */
    private void freshVms() throws Exception {
        for (Path vms : List.of(runDir, root.resolve("run/hostdev/vms"))) {
            if (Files.exists(vms)) {
                try (Stream<Path> s = Files.walk(vms)) {
                    for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            record(vms, "gone", VmState.RUNNING, ended);
            record(vms, "off", VmState.STOPPED, null);
        }
    }

    private static void record(Path vms, String name, VmState state, ProcessIdentity qemu) {
        VmRuntimeDir d = new VmRuntimeDir(vms, name);
        d.create();
        SlotMap slots = new SlotMap(List.of(
                new Slot(SlotKind.ROOT_PORT, "pci.1", "0x0", "pci.1", "device", null, "nic0"),
                new Slot(SlotKind.ROOT_PORT, "pci.2", "0x0", "pci.2", "spare", null, "hp1"),
                new Slot(SlotKind.ROOT_PORT, "pci.3", "0x0", "pci.3", "spare", null, null)));
        d.write(new VmRecord(name, "/etc/hostdev/" + name + ".toml", List.of("qemu-system-x86_64"), state, qemu, null,
                "2026-12-04T05:00:00Z", 2, null, slots, List.of(
                        new VmDevice("nic0", "e1000e", "pci.1", "0x0", "pci.1", null, false, false),
                        new VmDevice("hp1", "virtio-net-pci", "pci.2", "0x0", "pci.2", null, false, true)),
                List.of(), null));
    }

    private static CliRun fast(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Integer code = CommandFastPath.tryRun(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return code == null ? null : new CliRun(code, out.toString(), err.toString());
    }

    private static CliRun timesHidden(CliRun r) {
        return new CliRun(r.exitCode(), hide(r.out()), hide(r.err()));
    }

    private static String hide(String s) {
        return s.replaceAll("[0-9]+ ms", "N ms").replaceAll("\"took_ms\":[0-9]+", "\"took_ms\":N")
                .replaceAll("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z", "TIME");
    }

    /** Every command line of the matrix: each spelling, with and without --json, the global options in three places. */
    private List<String[]> matrix() {
        String spec = dir.resolve("fp.toml").toString();
        String[][] lines = {
            {"attach", "gone", "--emulated", "e1000e"},
            {"attach", "gone", "--emulated", "e1000e", "--id", "n1", "--dry-run"},
            {"attach", "gone", "--emulated=e1000e", "--id=n1"},
            {"attach", "gone", "02:10.0", "--managed", "--dry-run"},
            {"attach", "--dry-run", "gone", "01:00.0", "--functions", "all"},
            {"attach", "gone", "01:00.0", "--functions", "some"},
            {"attach", "gone", "--emulated", "e1000e", "--managed"},
            {"attach", "gone"},
            {"attach", "gone", "02:10.0", "--emulated", "e1000e"},
            {"attach", "gone", "--emulated", "no,such"},
            {"attach", "gone", "99:00.0"},
            {"attach", "off", "--emulated", "e1000e", "--id", "n1"},
            {"attach", "nosuch", "--emulated", "e1000e"},
            {"attach", "bad/name", "--emulated", "e1000e"},
            {"unplug", "gone", "hp1"},
            {"unplug", "gone", "hp1", "--timeout", "1ms", "--no-wait"},
            {"unplug", "gone", "hp1", "--dry-run"},
            {"unplug", "gone", "hp1", "--dry-run", "--no-wait", "--timeout=2.5"},
            {"unplug", "gone", "nosuchid", "--dry-run"},
            {"unplug", "off", "hp1"},
            {"unplug", "nosuch", "x"},
            {"vm", "status", "gone"},
            {"vm", "status", "off"},
            {"vm", "status", "nosuch"},
            {"vm", "status", ".."},
            {"vm", "status", "help"},
            {"vm", "status", "vm"},
            {"attach", "help", "--emulated", "e1000e"},
            {"unplug", "status", "list"},
            {"vm", "stop", "gone", "--force"},
            {"vm", "stop", "gone", "--timeout", "1"},
            {"vm", "stop", "gone", "--dry-run"},
            {"vm", "stop", "gone", "--dry-run", "--force", "--timeout=500ms"},
            {"vm", "stop", "off"},
            {"vm", "stop", "nosuch", "--force"},
            {"vm", "start", spec, "--dry-run"},
            {"vm", "start", spec, "--dry-run", "--timeout", "5", "--foreground"},
            {"vm", "start", dir.resolve("missing.toml").toString()},
            {"vm", "start", dir.resolve("broken.toml").toString(), "--dry-run"},
        };
        List<String[]> all = new ArrayList<>();
        for (String[] line : lines) {
            for (boolean json : new boolean[] {false, true}) {
                List<String> l = new ArrayList<>(List.of(line));
                if (json) {
                    l.add("--json");
                }
                List<String> after = new ArrayList<>(l);
                after.addAll(List.of("--root", root.toString(), "--run-dir", runDir.toString()));
                all.add(after.toArray(String[]::new));
                List<String> before = new ArrayList<>(List.of("--root=" + root, "--run-dir=" + runDir, "-v"));
                before.addAll(l);
                all.add(before.toArray(String[]::new));
                List<String> split = new ArrayList<>(List.of("--verbose"));
                split.addAll(l.subList(0, line[0].equals("vm") ? 1 : 0));
                split.addAll(List.of("--root", root.toString()));
                split.addAll(l.subList(line[0].equals("vm") ? 1 : 0, l.size()));
                all.add(split.toArray(String[]::new)); // VMs under --root's run/hostdev/vms
            }
        }
        return all;
    }

    @Test
    void everySpellingItTakesPrintsWhatPicocliPrints() throws Exception {
        List<String[]> matrix = matrix();
        assertTrue(matrix.size() >= 200, "matrix of " + matrix.size());
        for (String[] args : matrix) {
            String what = String.join(" ", args);
            freshVms();
            CliRun f = fast(args);
            assertNotNull(f, "the fast path takes: " + what);
            freshVms();
            CliRun p = CliRun.run(args);
            assertEquals(timesHidden(p), timesHidden(f), what);
        }
    }

    @Test
    void theMatrixCoversSuccessesAndErrors() throws Exception {
        int ok = 0;
        int failed = 0;
        for (String[] args : matrix()) {
            freshVms();
            int code = fast(args).exitCode();
            ok += code == 0 ? 1 : 0;
            failed += code != 0 ? 1 : 0;
        }
        assertTrue(ok >= 40 && failed >= 100, ok + " successes, " + failed + " errors");
    }

    @Test
    void anythingElseIsLeftToPicocliUntouched() throws Exception {
        String r = root.toString();
        String[][] cases = {
            {},
            {"attach"},
            {"attach", "--help"},
            {"attach", "gone", "-h"},
            {"vm", "status", "gone", "--help"},
            {"-V"},
            {"--help", "attach", "gone", "--emulated", "e1000e"},
            {"atach", "gone", "--emulated", "e1000e"},
            {"vm", "statu", "gone"},
            {"vm", "--json", "status", "gone"},
            {"--json", "vm", "status", "gone"},
            {"vm", "status"},
            {"vm", "status", "gone", "extra"},
            {"unplug", "gone"},
            {"unplug", "gone", "hp1", "extra"},
            {"attach", "gone", "02:10.0", "extra"},
            {"vm", "start"},
            {"vm", "start", "a.toml", "b.toml"},
            {"vm", "status", "gone", "--json", "--json"},
            {"vm", "status", "gone", "-v", "--verbose"},
            {"vm", "status", "gone", "--root", r, "--root", r},
            {"--root", r, "vm", "status", "gone", "--root", r},
            {"vm", "status", "gone", "--run-dir", "a", "--run-dir=b"},
            {"attach", "gone", "--emulated", "e1000e", "--id", "a", "--id", "b"},
            {"attach", "gone", "--emulated", "--dry-run"},
            {"attach", "gone", "--emulated", "-x"},
            {"attach", "gone", "--emulated"},
            {"attach", "gone", "--emulated="},
            {"attach", "gone", "--id=", "--emulated", "e1000e"},
            {"attach", "gone", "--emulated=-x"},
            {"vm", "status", "gone", "--root"},
            {"vm", "status", "gone", "--root", "--json"},
            {"vm", "status", "gone", "--root="},
            {"vm", "status", "gone", "--json=true"},
            {"vm", "status", "gone", "-vj"},
            {"vm", "status", "gone", "--bogus"},
            {"vm", "status", "-gone"},
            {"vm", "status", "@args.txt"},
            {"vm", "status", ""},
            {"vm", "status", "--", "gone"},
            {"unplug", "gone", "hp1", "--timeout", "0"},
            {"unplug", "gone", "hp1", "--timeout", "2d"},
            {"unplug", "gone", "hp1", "--timeout=1.0001"},
            {"unplug", "gone", "hp1", "--timeout", "-1"},
            {"vm", "stop", "gone", "--timeout", "soon"},
            {"vm", "start", "x.toml", "--timeout", "90000"},
            {"vm", "stop", "gone", "--force", "--force"},
            {"vm", "stop", "gone", "--no-wait"},
            {"unplug", "gone", "hp1", "--force"},
            {"vm", "status", "gone", "--dry-run"},
            {"vm", "start", "x.toml", "--force"},
            {"vm", "list"},
            {"vm", "rm", "gone"},
            {"soak", "gone", "--emulated", "e1000e"},
            {"list"},
        };
        for (String[] args : cases) {
            freshVms();
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Integer code = CommandFastPath.tryRun(args, new PrintWriter(out, true), new PrintWriter(err, true));
            String what = String.join(" ", args);
            assertNull(code, what);
            assertEquals("", out + "" + err, what);
        }
    }

    /** What a command throws is reported by the same code on both paths: the trace under -v, then the message or JSON. */
    @Test
    void anExceptionIsReportedAsPicocliReportsIt() {
        Exception bug = new IllegalStateException("a bug");
        Exception user = dev.hostdev.engine.HostdevException.usage("bad input", "fix it");
        for (String[] args : new String[][] {{"vm", "status", "gone"}, {"vm", "status", "gone", "-v"}, {"-v", "vm", "status", "gone", "--json"},
                {"attach", "gone", "--emulated", "e1000e", "--json"}}) {
            for (Exception ex : List.of(bug, user)) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                picocli.CommandLine cl = Cli.forArgs(args);
                cl.setOut(new PrintWriter(out, true));
                cl.setErr(new PrintWriter(err, true));
                picocli.CommandLine.ParseResult parsed = cl.parseArgs(args);
                int status = new PicocliErrors().handleExecutionException(ex, cl, parsed);
                CommandWords w = CommandWords.scan(args, List.of(args).contains("vm") ? List.of("vm", "status") : List.of("attach"),
                        java.util.Set.of("--json"), java.util.Set.of("--emulated"), 1, 1, java.util.Map.of());
                StringWriter fastOut = new StringWriter();
                StringWriter fastErr = new StringWriter();
                int fastStatus = ErrorReporter.reportFailure(new PrintWriter(fastOut, true), new PrintWriter(fastErr, true), ex,
                        w.flag("--json"), w.globals().verbose);
                String what = String.join(" ", args) + ": " + ex;
                assertEquals(new CliRun(status, out.toString(), err.toString()), new CliRun(fastStatus, fastOut.toString(), fastErr.toString()), what);
                assertEquals(ex == bug && w.globals().verbose, err.toString().contains("java.lang.IllegalStateException: a bug\n\tat "), what);
            }
        }
    }

    @Test
    void aBadTimeLimitGetsPicocliMessage() {
        CliRun p = CliRun.run("unplug", "gone", "hp1", "--timeout", "0", "--run-dir", runDir.toString());
        assertEquals(2, p.exitCode());
        assertTrue(p.err().contains("Invalid value for option '--timeout': '0' is not a time limit"), p.err());
    }
}
