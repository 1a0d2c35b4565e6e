package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hostdev.engine.testing.SampleHosts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --root, --run-dir and -v apply to every command: before the subcommand, after it, or from the environment. */
class GlobalOptionsTest {
    @TempDir
    Path dir;
    String root;

    @BeforeEach
    void host() {
        MiniIds.install(SampleHosts.workstation(dir));
        root = dir.toString();
    }

    @Test
    void rootBeforeOrAfterTheSubcommandMeansTheSame() {
        CliRun after = CliRun.run("list", "--root", root, "--json");
        CliRun before = CliRun.run("--root", root, "list", "--json");
        CliRun nested = CliRun.run("--root", root, "vm", "list", "--json");
        assertEquals(0, before.exitCode(), before.err());
        assertEquals(after.out(), before.out());
        assertTrue(before.out().contains("\"0000:01:00.0\""), before.out());
        assertEquals("{\"vms\":[],\"unreadable\":[]}\n", nested.out(), "a sub-subcommand inherits it too");
        assertEquals(0, CliRun.run("groups", "--json", "--root=" + root).exitCode());
    }

    @Test
    void verboseBeforeTheSubcommandShowsEachWrite() {
        CliRun r = CliRun.run("-v", "--root", root, "detach", "--dry-run", "04:01.0");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("write /sys/bus/pci/drivers/e1000/unbind 0000:04:01.0"), r.out());
    }

    @Test
    void runDirChoosesWhereVmsAreKept() throws Exception {
        Path runDir = dir.resolve("private-vms");
        Files.createDirectories(runDir);
        CliRun before = CliRun.run("--run-dir", runDir.toString(), "vm", "list");
        CliRun after = CliRun.run("vm", "list", "--run-dir", runDir.toString());
        assertEquals("no VMs (in " + runDir + ")\n", before.out(), before.err());
        assertEquals(before.out(), after.out());
        Path spec = dir.resolve("vm1.toml");
        Files.writeString(spec, "name = \"vm1\"\naccel = \"tcg\"\n");
        CliRun plan = CliRun.run("--run-dir", runDir.toString(), "vm", "cmdline", spec.toString(), "--root", root);
        assertTrue(plan.out().contains("path=" + runDir.resolve("vm1/qmp.sock") + ","), "the plan uses it too: " + plan.out());
        CliRun dry = CliRun.run("--run-dir", runDir.toString(), "vm", "start", spec.toString(), "--dry-run", "--root", root);
        assertTrue(dry.out().contains("QMP on " + runDir.resolve("vm1/qmp.sock")), dry.out() + dry.err());
    }

    @Test
    void aBatchGivesItsGlobalOptionsToEveryLine() throws Exception {
        Path f = dir.resolve("lines");
        Files.write(f, List.of("vm list"));
        Path runDir = dir.resolve("batch-vms");
        CliRun r = CliRun.run("--run-dir", runDir.toString(), "batch", f.toString());
        assertEquals("no VMs (in " + runDir + ")\n", r.out(), r.err());

        CliRun after = CliRun.run("batch", f.toString(), "--run-dir", runDir.toString());
        assertEquals(r.out(), after.out(), "after 'batch' as before it: " + after.err());
    }

    @Test
    void helpListsTheGlobalOptionsWithTheirEnvironmentVariables() {
        String top = CliRun.run("--help").out();
        String sub = CliRun.run("vm", "status", "--help").out();
        for (String help : List.of(top, sub)) {
            assertTrue(help.contains("--root=DIR") && help.contains("HOSTDEV_ROOT"), help);
            assertTrue(help.contains("--run-dir=DIR") && help.contains("HOSTDEV_RUN_DIR"), help);
            assertTrue(help.contains("-v, --verbose"), help);
        }
        assertTrue(top.contains("Environment:") && top.contains("Files:") && top.contains("See also:"), top);
    }

    @Test
    void theEnvironmentGivesTheDefaults() throws Exception {
        Path runDir = dir.resolve("env-vms");
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "vm", "list");
        pb.environment().put("HOSTDEV_ROOT", root);
        pb.environment().put("HOSTDEV_RUN_DIR", runDir.toString());
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals("no VMs (in " + runDir + ")\n", out);

        pb.command().subList(pb.command().size() - 2, pb.command().size()).clear();
        pb.command().addAll(List.of("show", "04:01.0", "--json"));
        p = pb.start();
        out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("\"address\":\"0000:04:01.0\""), "HOSTDEV_ROOT chose the sample host: " + out);
    }

    @Test
    void anEmptyRootIsTheSystemRootNotTheCurrentDirectory() {
        GlobalOptions empty = new GlobalOptions();
        empty.root = Path.of("");
        CommonOptions common = CommonOptions.of(empty);
        assertEquals(Path.of("/"), common.hostRoot().path());
        assertEquals(java.util.Optional.empty(), common.rootOption());
    }
}
