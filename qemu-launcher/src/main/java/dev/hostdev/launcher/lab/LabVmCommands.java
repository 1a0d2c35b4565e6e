package dev.hostdev.launcher.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The lab VM's life through the product's own commands, run on this host as a user runs them:
 * {@code hostdev vm start}, {@code vm stop}, {@code vm status}, with the VM's runtime directory under
 * the lab's work directory ({@code HOSTDEV_RUN_DIR=WORK/run}, owner-only). What each printed is
 * appended to {@code WORK/hostdev.log}.
 */
final class LabVmCommands {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HostdevLauncher hostdev;
    private final Path workDir;

    LabVmCommands(HostdevLauncher hostdev, Path workDir) {
        this.hostdev = hostdev;
        this.workDir = workDir;
    }

    /** Creates the runtime directory, owner-only. */
    void createRunDir() throws IOException {
        Files.createDirectory(runDir(), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    /** Where {@code hostdev vm start} keeps the VM's runtime directory. */
    Path runDir() {
        return workDir.resolve("run");
    }

    /**
     * {@code hostdev vm start SPEC --json}.
     *
     * @return QEMU's pid
     * @throws HostdevException {@link ErrorCode#QEMU} naming the spec and the logs when the start fails
     */
    long start(Path spec, String name) {
        Result r = run(List.of("vm", "start", spec.toString(), "--json"));
        if (r.exit() != 0) {
            throw new HostdevException(ErrorCode.QEMU, "hostdev vm start of the lab VM failed (exit " + r.exit() + "): "
                    + r.stderr().strip(), "see " + spec + " (hostdev vm cmdline " + spec + ") and the logs under "
                    + runDir().resolve(name));
        }
        try {
            JsonNode pid = JSON.readTree(r.stdout()).path("pid");
            if (pid.canConvertToLong()) {
                return pid.asLong();
            }
        } catch (IOException e) {
            // reported below
        }
        throw new HostdevException(ErrorCode.INTERNAL, "hostdev vm start --json printed no QEMU pid: " + r.stdout().strip(), null);
    }

    /** {@code hostdev vm stop --timeout 5 NAME}. */
    void stop(String name) {
        run(List.of("vm", "stop", "--timeout", "5", name));
    }

    /** The VM's state as {@code hostdev vm status NAME --json} gives it, if it printed one. */
    Optional<String> state(String name) {
        Result r = run(List.of("vm", "status", name, "--json"));
        try {
            return Optional.of(JSON.readTree(r.stdout()).path("state").asText()).filter(s -> !s.isEmpty());
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /** What a hostdev process printed and its exit status. */
    private record Result(int exit, String stdout, String stderr) {
    }

    private Result run(List<String> args) {
        Path out = workDir.resolve("hostdev.out");
        Path err = workDir.resolve("hostdev.err");
        try {
            ProcessBuilder pb = new ProcessBuilder(hostdev.command(args)).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("HOSTDEV_RUN_DIR", runDir().toString());
            Process p = pb.start();
            if (!p.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new HostdevException(ErrorCode.TIMEOUT, "hostdev " + String.join(" ", args) + " did not end within "
                        + WAIT.toSeconds() + " s", "see " + err);
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.writeString(workDir.resolve("hostdev.log"), "$ hostdev " + String.join(" ", args) + "\n" + r.stdout() + r.stderr()
                    + "exit " + r.exit() + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return r;
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot run hostdev " + String.join(" ", args) + ": " + e.getMessage(),
                    null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.TIMEOUT, "interrupted while running hostdev " + args.get(0), null, e);
        }
    }
}
