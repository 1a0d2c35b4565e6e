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
 * {@code hostdev vm status NAME --json} builds no {@code ObjectMapper}: reading {@code state.json} and printing JSON go
 * through jackson-core's streaming API ({@code VmRecordCodec}, {@code JsonTrees}), as building a mapper cost every
 * short command about a third of its time (docs/benchmarks.md). Checked in a JVM of its own, class loading logged.
 */
class VmStatusWithoutObjectMapperTest {
    @TempDir
    Path root;

    @Test
    void statusOfARecordedVmLoadsNoObjectMapper() throws Exception {
        VmRuntimeDir dir = new VmRuntimeDir(root.resolve("run/hostdev/vms"), "web");
        dir.create();
        SlotMap slots = new SlotMap(List.of(new Slot(SlotKind.ROOT_PORT, "pci.1", "0x0", "pci.1", "spare", null, "n1"),
                new Slot(SlotKind.ROOT_PORT, "pci.2", "0x0", "pci.2", "spare", null, null)));
        dir.write(new VmRecord("web", "/etc/hostdev/web.toml", List.of("qemu-system-x86_64", "-S"), VmState.RUNNING,
                EndedProcess.identity(), null, "2026-12-04T15:00:00Z", 2, null, slots,
                List.of(new VmDevice("n1", "e1000e", "pci.1", "0x0", "pci.1", null, false, true)), List.of(),
                new VmEnd("guest-shutdown", true, "2026-12-04T15:01:00Z")));
        Path log = root.resolve("classes.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xshare:off", "-Xlog:class+load:file=" + log, "-cp", System.getProperty("java.class.path"),
                "dev.hostdev.launcher.cli.Main", "vm", "status", "web", "--json", "--root", root.toString())
                .redirectError(root.resolve("err.txt").toFile()).redirectOutput(root.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "vm status finished");
        String out = Files.readString(root.resolve("out.txt"));
        assertEquals(0, p.exitValue(), out + Files.readString(root.resolve("err.txt")));
        assertTrue(out.startsWith("{\"name\":\"web\",\"state\":\"stopped\""), out);
        assertTrue(out.contains("\"ended\":{\"reason\":\"guest-shutdown\",\"guest\":true"), out);
        List<String> mappers = Files.readAllLines(log).stream()
                .filter(l -> l.contains("com.fasterxml.jackson.databind.ObjectMapper ") || l.contains("databind.node.InternalNodeMapper ")
                        || l.contains("com.fasterxml.jackson.databind.ObjectReader ") || l.contains("com.fasterxml.jackson.databind.ObjectWriter "))
                .toList();
        assertEquals(List.of(), mappers, "databind mapper classes that 'vm status --json' loaded");
    }
}
