package dev.hostdev.launcher.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The unit files shipped in packaging/systemd: {@code systemd-analyze verify} accepts them without a warning
 * (run under a temporary root holding a copy of this machine's system units and a stand-in for the
 * installed {@code hostdev}, so that nothing of the system is touched), they run the command where
 * docs/install.md installs it, and the stop timeout of the VM unit covers what {@code vm run} does on SIGTERM.
 */
class SystemdUnitsTest {
    private static final Path UNITS = Path.of("..", "packaging", "systemd").toAbsolutePath().normalize();
    private static final Path SYSTEM_UNITS = Path.of("/usr/lib/systemd/system");
    private static final String INSTALLED = "/usr/local/bin/hostdev";

    @TempDir
    Path root;

    private static String unit(String name) throws Exception {
        return Files.readString(UNITS.resolve(name));
    }

    /** The value of {@code key=} in a unit file (the last one, as systemd takes it). */
    private static String value(String unit, String key) {
        String found = null;
        for (String line : unit.lines().toList()) {
            if (line.startsWith(key + "=")) {
                found = line.substring(key.length() + 1).trim();
            }
        }
        assertTrue(found != null, "the unit sets " + key + "=");
        return found;
    }

    @Test
    void systemdAnalyzeVerifyAcceptsBothUnitsWithoutAWord() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed (Debian: apt-get install systemd)");
        assumeTrue(Files.isDirectory(SYSTEM_UNITS.resolve("multi-user.target").getParent()), "no system units in " + SYSTEM_UNITS);
        // the units name targets and services of the system (sysinit.target, systemd-modules-load.service): a copy of them
        Path systemUnits = root.resolve("usr/lib/systemd/system");
        Files.createDirectories(systemUnits);
        try (Stream<Path> s = Files.list(SYSTEM_UNITS)) {
            for (Path p : s.toList()) {
                if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(p)) {
                    Files.copy(p, systemUnits.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        Path bin = root.resolve(INSTALLED.substring(1));
        Files.createDirectories(bin.getParent());
        Files.writeString(bin, "#!/bin/sh\n");
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path etc = root.resolve("etc/systemd/system");
        Files.createDirectories(etc);
        for (String u : List.of("hostdev-apply.service", "hostdev@.service")) {
            Files.copy(UNITS.resolve(u), etc.resolve(u));
        }
        List<String> cmd = new ArrayList<>(List.of(analyze.toString(), "verify", "--root=" + root, "--man=no",
                "/etc/systemd/system/hostdev-apply.service", "/etc/systemd/system/hostdev@router.service"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "systemd-analyze verify ends");
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), said);
        assertEquals("", said.strip(), "systemd-analyze verify warns of nothing");

        // and it does check: without the installed command it fails, naming it
        Files.delete(bin);
        Process missing = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(missing.waitFor(60, TimeUnit.SECONDS));
        String why = new String(missing.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(missing.exitValue() != 0 && why.contains("Command " + INSTALLED + " is not executable"), why);
    }

    @Test
    void theUnitsRunTheCommandWhereInstallMdPutsIt() throws Exception {
        String install = Files.readString(Path.of("..", "docs", "install.md"));
        assertTrue(install.contains("sudo ln -sf ../lib/hostdev/hostdev " + INSTALLED), "docs/install.md installs " + INSTALLED);
        assertEquals(INSTALLED + " apply", value(unit("hostdev-apply.service"), "ExecStart"));
        assertTrue(value(unit("hostdev@.service"), "ExecStart").startsWith(INSTALLED + " vm run /etc/hostdev/vms/%i.toml"));
        for (String u : List.of("hostdev-apply.service", "hostdev@.service")) {
            assertTrue(install.contains("packaging/systemd/" + u), "docs/install.md installs " + u);
        }
    }

    @Test
    void theVmUnitIsANotifyServiceOrderedAfterApplyWhoseStopTimeoutCoversVmRunsStop() throws Exception {
        String vm = unit("hostdev@.service");
        assertEquals("notify", value(vm, "Type"));
        assertEquals("mixed", value(vm, "KillMode"), "SIGTERM must reach vm run alone, not QEMU");
        assertTrue(value(vm, "Requires").contains("hostdev-apply.service"));
        assertTrue(value(vm, "After").contains("hostdev-apply.service"));
        assertTrue(value(unit("hostdev-apply.service"), "After").contains("systemd-modules-load.service"));
        assertEquals("oneshot", value(unit("hostdev-apply.service"), "Type"));

        String exec = value(vm, "ExecStart");
        Duration powerOff = exec.contains("--stop-timeout ")
                ? Duration.ofSeconds(Long.parseLong(exec.replaceAll(".*--stop-timeout (\\d+).*", "$1")))
                : Duration.ofSeconds(Long.parseLong(new CommandLine(new VmRunCommand()).getCommandSpec().findOption("--stop-timeout")
                        .defaultValue()));
        // after the power-off wait: quit, SIGTERM and SIGKILL waits (VmStopper), then the devices given back
        Duration needed = powerOff.plus(dev.hostdev.launcher.vm.VmStopper.QUIT_GRACE).plus(dev.hostdev.launcher.vm.VmStopper.TERM_GRACE)
                .plus(dev.hostdev.launcher.vm.VmStopper.KILL_GRACE).plus(Duration.ofSeconds(10));
        Duration stopSec = Duration.ofSeconds(Long.parseLong(value(vm, "TimeoutStopSec")));
        assertTrue(stopSec.compareTo(needed) >= 0, "TimeoutStopSec=" + stopSec.toSeconds() + " covers vm run's stop: " + needed.toSeconds() + " s");
    }
}
