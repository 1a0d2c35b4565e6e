package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.vm.EndedProcess;
import dev.hostdev.launcher.vm.Slot;
import dev.hostdev.launcher.vm.SlotKind;
import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmDevice;
import dev.hostdev.launcher.vm.VmEnd;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostdev vm status NAME --json} and {@code vm stop NAME --force --json} build no {@code ObjectMapper}: reading
 * and writing {@code state.json} and printing JSON go through jackson-core's streaming API ({@code VmRecordCodec},
 * {@code JsonTrees}), as building a mapper cost every short command about a third of its time (docs/benchmarks.md).
 * Checked on a recorded VM whose QEMU has ended, each command in a JVM of its own, class loading logged.
 */
class VmStatusWithoutObjectMapperTest {
    @TempDir
    Path root;

    private void recordAVmWhoseQemuEnded() throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(root.resolve("run/hostdev/vms"), "web");
        dir.create();
        SlotMap slots = new SlotMap(List.of(new Slot(SlotKind.ROOT_PORT, "pci.1", "0x0", "pci.1", "spare", null, "n1"),
                new Slot(SlotKind.ROOT_PORT, "pci.2", "0x0", "pci.2", "spare", null, null)));
        dir.write(new VmRecord("web", "/etc/hostdev/web.toml", List.of("qemu-system-x86_64", "-S"), VmState.RUNNING,
                EndedProcess.identity(), null, "2026-12-04T15:00:00Z", 2, null, slots,
                List.of(new VmDevice("n1", "e1000e", "pci.1", "0x0", "pci.1", null, false, true)), List.of(),
                new VmEnd("guest-shutdown", true, "2026-12-04T15:01:00Z")));
    }

    /** Runs hostdev in a JVM of its own; returns its stdout after checking it exited 0 and loaded no mapper class. */
    private String runLoadingNoMapper(String... args) throws Exception {
        Path log = root.resolve("classes-" + args[1] + ".txt");
        Path out = root.resolve("out-" + args[1] + ".txt");
        Path err = root.resolve("err-" + args[1] + ".txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xshare:off", "-Xlog:class+load:file=" + log, "-cp",
                System.getProperty("java.class.path"), "dev.hostdev.launcher.cli.Main"));
        command.addAll(List.of(args));
        command.addAll(List.of("--root", root.toString()));
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", args) + " finished");
        String printed = Files.readString(out);
        assertEquals(0, p.exitValue(), printed + Files.readString(err));
        List<String> mappers = Files.readAllLines(log).stream()
                .filter(l -> l.contains("com.fasterxml.jackson.databind.ObjectMapper ") || l.contains("databind.node.InternalNodeMapper ")
                        || l.contains("com.fasterxml.jackson.databind.ObjectReader ") || l.contains("com.fasterxml.jackson.databind.ObjectWriter "))
                .toList();
        assertEquals(List.of(), mappers, "databind mapper classes that '" + String.join(" ", args) + "' loaded");
        return printed;
    }

    @Test
    void statusOfARecordedVmLoadsNoObjectMapper() throws Exception {
        recordAVmWhoseQemuEnded();
        String out = runLoadingNoMapper("vm", "status", "web", "--json");
        assertTrue(out.startsWith("{\"name\":\"web\",\"state\":\"stopped\""), out);
        assertTrue(out.contains("\"ended\":{\"reason\":\"guest-shutdown\",\"guest\":true"), out);
    }

    @Test
    void stoppingARecordedVmWritesItsRecordWithoutObjectMapper() throws Exception {
        recordAVmWhoseQemuEnded();
        String out = runLoadingNoMapper("vm", "stop", "web", "--force", "--json");
        assertTrue(out.startsWith("{\"name\":\"web\",\"state\":\"stopped\""), out);
        VmRecord after = new VmRuntimeDir(root.resolve("run/hostdev/vms"), "web").require();
        assertEquals(VmState.STOPPED, after.state(), "the record the stop wrote, read back");
    }
}
