package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.launcher.topology.FakePciFacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real qemu-system-x86_64 started on the command line Hostdev plans for a spec the test writes (no host
 * devices: {@link FakePciFacts#none()}), its files in the test's directory: the spec, {@code run/} and {@code qemu.log}.
 * Registered as an extension ({@code @RegisterExtension}), it kills that QEMU after each test. A test using it is
 * skipped where QEMU is not installed.
 */
final class PlannedQemu implements AfterEachCallback {
    private Path dir;
    private Process process;

    /** Skips the calling test when qemu-system-x86_64 is not installed. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(QemuCapabilities.resolve(Path.of("qemu-system-x86_64")).isPresent(), "qemu-system-x86_64 not installed");
    }

    /**
     * Writes {@code toml} as {@code fileName} in {@code dir}, loads it as {@code vm start} does and plans it, runtime
     * directories under {@code run/} (created); {@code paused} adds {@code -S}.
     */
    LaunchPlan plan(Path dir, String fileName, String toml, boolean paused) throws IOException {
        this.dir = dir;
        Path specFile = dir.resolve(fileName);
        Files.writeString(specFile, toml);
        LaunchPlan plan = LaunchPlanner.plan(VmSpecLoader.load(specFile), FakePciFacts.none(),
                new LaunchOptions(dir.resolve("run"), false, Set.of(), paused));
        Files.createDirectories(plan.paths().dir());
        return plan;
    }

    /** Starts QEMU with {@code argv}, its output (both streams) into {@code qemu.log} beside the spec {@link #plan} wrote. */
    Process start(List<String> argv) throws IOException {
        process = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(dir.resolve("qemu.log").toFile()).start();
        return process;
    }

    /** What QEMU printed so far. */
    String log() throws IOException {
        return Files.readString(dir.resolve("qemu.log"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
