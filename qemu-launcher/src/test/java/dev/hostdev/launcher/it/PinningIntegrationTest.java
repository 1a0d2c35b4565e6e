package dev.hostdev.launcher.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.numa.CpuList;
import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import dev.hostdev.launcher.placement.AffinitySetter;
import dev.hostdev.launcher.placement.PinStep;
import dev.hostdev.launcher.placement.Pinner;
import dev.hostdev.launcher.placement.PlacementObserver;
import dev.hostdev.launcher.placement.PlacementPlan;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QmpOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the threads of a real QEMU (its own, started here, TCG with one thread per vCPU): vCPU threads found
 * through QMP {@code query-cpus-fast}, every other thread from {@code /proc/PID/task}, each moved with
 * sched_setaffinity, and read back from {@code /proc} as {@code vm status} reads them. Only this QEMU's
 * affinity changes; nothing is written to /sys or /proc (the writer for /proc/irq throws).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PinningIntegrationTest {
    @TempDir
    Path dir;

    @Test
    void vcpuAndEmulatorThreadsOfARealQemuArePinned() throws Exception {
        assumeTrue(RealQemu.binary().isPresent(), RealQemu.SKIP);
        CpuList online = CpuList.parse(Files.readString(Path.of("/sys/devices/system/cpu/online")));
        assumeTrue(online.size() >= 2, "needs two online CPUs");
        int a = online.cpus().get(0);
        int b = online.cpus().get(1);
        Path socket = dir.resolve("qmp.sock");
        Process qemu = new ProcessBuilder(RealQemu.binary().get().toString(), "-name", "guest=pin,debug-threads=on",
                "-machine", "q35", "-accel", "tcg,thread=multi", "-m", "64M", "-smp", "2", "-nodefaults", "-display", "none",
                "-S", "-qmp", "unix:" + socket + ",server=on,wait=off").redirectErrorStream(true)
                .redirectOutput(dir.resolve("qemu.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!Files.exists(socket) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            Sysfs host = new Sysfs(HostRoot.system(), (path, value) -> {
                throw new AssertionError("no write expected: " + value + " to " + path);
            });
            try (QemuMonitor qmp = QemuMonitor.connect(socket, QmpOptions.defaults())) {
                SortedMap<Integer, Integer> vcpus = qmp.vcpuThreads();
                assertEquals(2, vcpus.size(), vcpus.toString());
                PlacementPlan plan = new PlacementPlan(OptionalInt.empty(), List.of(b, a), CpuList.of(a), CpuList.empty(),
                        Optional.empty(), List.of(), Map.of(), List.of(), List.of());
                Pinner pinner = new Pinner(host, AffinitySetter.native_(), (path, value) -> {
                    throw new AssertionError("no /proc/irq write expected");
                });
                int pid = (int) qemu.pid();
                List<PinStep> steps = pinner.plan(plan, pid, vcpus, Map.of());
                assertTrue(steps.size() > 2, "vCPUs and at least one other thread: " + steps);
                assertEquals(List.of(), pinner.apply(steps));
                PlacementObserver observer = new PlacementObserver(host);
                assertEquals(CpuList.of(b), observer.threadCpus(pid, vcpus.get(0)));
                assertEquals(CpuList.of(a), observer.threadCpus(pid, vcpus.get(1)));
                ObjectNode seen = observer.observe(pid, Map.of());
                assertEquals(2, seen.get("vcpus").size(), seen.toString());
                assertEquals(String.valueOf(b), seen.get("vcpus").get(0).get("cpus").asText(), seen.toString());
                for (JsonNode t : seen.get("emulator_threads")) {
                    assertEquals(String.valueOf(a), t.get("cpus").asText(), "every other thread on the emulator CPU: " + seen);
                }
                assertTrue(seen.get("memory_nodes").size() >= 1, seen.toString());
            }
        } finally {
            qemu.destroyForcibly();
            qemu.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
