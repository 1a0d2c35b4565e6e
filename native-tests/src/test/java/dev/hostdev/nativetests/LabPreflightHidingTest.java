package dev.hostdev.nativetests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.hostdev.launcher.lab.LabNeed;
import dev.hostdev.launcher.lab.LabNeeds;
import dev.hostdev.launcher.lab.LabPreflight;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10 on the real host: each program of the lab's list hidden in turn, by an empty file
 * bind-mounted over it in a mount namespace of its own ({@code unshare -m}; the host's own mounts are
 * untouched), and the real {@code hostdev lab} must stop before booting (exit 12) naming that program's
 * package. Needs root, {@code unshare}, and a host where the lab's preflight passes with nothing hidden.
 */
class LabPreflightHidingTest {
    @Test
    void eachHiddenProgramIsNamedWithItsPackageBeforeBooting(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root for a mount namespace");
        Path unshare = Path.of("/usr/bin/unshare");
        Assumptions.assumeTrue(Files.isExecutable(unshare), "needs unshare (util-linux)");
        LabVmExtension.environmentOrSkip();
        Path jar = LabVmExtension.hostdevJarOrSkip();
        LabPreflight host = LabPreflight.ofThisHost();
        Path empty = Files.createFile(tmp.resolve("empty"));
        List<String> wrong = new ArrayList<>();
        int hidden = 0;
        for (LabNeed need : LabNeeds.all()) {
            Optional<Path> file = fileOf(host, need);
            if (file.isEmpty()) {
                wrong.add(need.program() + ": not found though the preflight passed");
                continue;
            }
            Path err = tmp.resolve(need.program() + ".err");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process p = new ProcessBuilder(unshare.toString(), "--mount", "--propagation", "private", "/bin/sh", "-c",
                    "mount --bind \"$1\" \"$2\" && exec \"$3\" -jar \"$4\" lab", "hide", empty.toString(),
                    file.get().toRealPath().toString(), java, jar.toString())
                    .redirectOutput(tmp.resolve(need.program() + ".out").toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail("hostdev lab with " + file.get() + " hidden did not stop within 2 minutes: it booted?");
            }
            String stderr = Files.readString(err, StandardCharsets.UTF_8);
            String stdout = Files.readString(tmp.resolve(need.program() + ".out"), StandardCharsets.UTF_8);
            hidden++;
            if (p.exitValue() != 12 || !stderr.contains("package " + need.pkg()) || stdout.contains("booting")) {
                wrong.add(need.program() + " hidden (" + file.get() + "): exit " + p.exitValue() + ", " + stderr.strip());
            }
        }
        assertEquals(List.of(), wrong);
        assertTrue(hidden >= LabNeeds.all().size());
    }

    /** The file that provides a need on this host. */
    private static Optional<Path> fileOf(LabPreflight host, LabNeed need) {
        return switch (need.program()) {
            case LabNeed.KERNEL -> host.kernel().map(k -> k[0]);
            case LabNeed.BUSYBOX -> host.busybox();
            default -> need.where().contains(LabNeed.Where.HOST) ? host.hostProgram(need.program())
                    : host.guestProgram(need.program());
        };
    }

}
