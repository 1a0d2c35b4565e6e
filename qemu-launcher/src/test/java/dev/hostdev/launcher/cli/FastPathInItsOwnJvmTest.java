package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.launcher.vm.SlotMap;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import dev.hostdev.launcher.vm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hostdev} in a JVM of its own: a common spelling loads no picocli class at all, and the global options' defaults
 * from {@code HOSTDEV_ROOT} and {@code HOSTDEV_RUN_DIR} (set, unset, empty) mean what they mean to picocli.
 */
class FastPathInItsOwnJvmTest {
    @TempDir
    Path dir;

    private Path vms;

    @BeforeEach
    void vm() {
        vms = dir.resolve("run/hostdev/vms");
        VmRuntimeDir d = new VmRuntimeDir(vms, "rec");
        d.create();
        d.write(new VmRecord("rec", "/etc/hostdev/rec.toml", List.of("qemu-system-x86_64"), VmState.STOPPED, null, null,
                "2026-12-04T05:00:00Z", 0, null, new SlotMap(List.of()), List.of(), List.of(), null));
    }

    private CliRun java(Class<?> main, Map<String, String> env, List<String> jvm, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile());
        pb.environment().remove(GlobalOptions.ROOT_ENV);
        pb.environment().remove(GlobalOptions.RUN_DIR_ENV);
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "hostdev finished");
        return new CliRun(p.exitValue(), Files.readString(dir.resolve("out.txt")), Files.readString(dir.resolve("err.txt")));
    }

    @Test
    void vmStatusLoadsNoPicocliClass() throws Exception {
        Path log = dir.resolve("classes.txt");
        CliRun r = java(Main.class, Map.of(), List.of("-Xshare:off", "-Xlog:class+load:file=" + log),
                "vm", "status", "rec", "--run-dir", vms.toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().startsWith("VM rec: stopped\n"), r.out());
        List<String> picocli = Files.readAllLines(log).stream().filter(l -> l.contains(" picocli.")).toList();
        assertTrue(Files.readAllLines(log).stream().anyMatch(l -> l.contains(" dev.hostdev.launcher.cli.CommandFastPath ")),
                "the class-load log names the fast path");
        assertEquals(List.of(), picocli, "picocli classes loaded by 'vm status'");
    }

    @Test
    void anErrorOnTheFastPathLoadsNoPicocliClassEither() throws Exception {
        Path log = dir.resolve("classes.txt");
        CliRun r = java(Main.class, Map.of(), List.of("-Xshare:off", "-Xlog:class+load:file=" + log),
                "vm", "stop", "nosuch", "--json", "--run-dir", vms.toString());
        assertEquals(3, r.exitCode(), r.out() + r.err());
        assertEquals(List.of(), Files.readAllLines(log).stream().filter(l -> l.contains(" picocli.")).toList());
    }

    @Test
    void theOtherCommandsLoadNoPicocliClass() throws Exception {
        Path spec = dir.resolve("rec2.toml");
        Files.writeString(spec, "name = \"rec2\"\nmemory = \"128M\"\naccel = \"tcg\"\n");
        String[][] lines = {
            {"attach", "rec", "--emulated", "e1000e", "--dry-run"},
            {"unplug", "rec", "nic0", "--no-wait"},
            {"vm", "stop", "rec", "--force"},
            {"vm", "start", spec.toString(), "--dry-run", "--json"},
        };
        for (String[] args : lines) {
            Path log = dir.resolve("classes.txt");
            List<String> a = new ArrayList<>(List.of(args));
            a.addAll(List.of("--run-dir", vms.toString()));
            CliRun r = java(Main.class, Map.of(), List.of("-Xshare:off", "-Xlog:class+load:file=" + log), a.toArray(String[]::new));
            String what = String.join(" ", args) + ": exit " + r.exitCode() + " " + r.out() + r.err();
            assertTrue(r.exitCode() == 0 || r.err().startsWith("hostdev: "), what);
            assertEquals(List.of(), Files.readAllLines(log).stream().filter(l -> l.contains(" picocli.")).toList(), what);
        }
    }

    @Test
    void theEnvironmentsDefaultsMeanWhatTheyMeanToPicocli() throws Exception {
        String root = dir.toString();
        List<Map<String, String>> envs = List.of(
                Map.of(GlobalOptions.ROOT_ENV, root),
                Map.of(GlobalOptions.RUN_DIR_ENV, vms.toString()),
                Map.of(GlobalOptions.ROOT_ENV, dir.resolve("elsewhere").toString(), GlobalOptions.RUN_DIR_ENV, vms.toString()),
                Map.of(GlobalOptions.ROOT_ENV, "", GlobalOptions.RUN_DIR_ENV, vms.toString()),
                Map.of(GlobalOptions.ROOT_ENV, root, GlobalOptions.RUN_DIR_ENV, ""),
                Map.of(GlobalOptions.ROOT_ENV, "/nonexistent-root"));
        for (Map<String, String> env : envs) {
            for (String[] args : new String[][] {{"vm", "status", "rec"}, {"vm", "status", "rec", "--json", "--root", root}}) {
                String what = env + " " + String.join(" ", args);
                assertEquals(java(PicocliOnlyMain.class, env, List.of(), args), java(Main.class, env, List.of(), args), what);
            }
        }
    }
}
