package dev.hostdev.nativetests;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.lab.HostdevLauncher;
import dev.hostdev.launcher.lab.LabEnvironment;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabVm;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A lab VM for a test class: its own ({@code new LabVmExtension(machine)}: booted before the first test with the
 * lab's drivers loaded, powered off and killed after the last), or one shared with every class that asks for
 * the same machine ({@link #shared}: booted once per run, see {@link SharedLabVm}; a boot costs 8 s idle and
 * 30-75 s under load). Its logs are kept and named when any test failed. Skips the class,
 * saying what to install, when the host lacks QEMU, a kernel or a static busybox; skips when the
 * hostdev jar has not been built.
 */
final class LabVmExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private final LabMachine machine;
    private final boolean shared;
    private LabEnvironment env;
    private LabVm vm;
    private SharedLabVm sharedVm;

    /** A lab VM of this class's own. */
    LabVmExtension(LabMachine machine) {
        this(machine, false);
    }

    private LabVmExtension(LabMachine machine, boolean shared) {
        this.machine = machine;
        this.shared = shared;
    }

    /**
     * A lab VM shared with the other classes that ask for the same machine: the class must leave the guest as
     * it found it (every device on its driver, no VFIO group, QEMU, journal entry or device record of its own),
     * which is checked before its first test and after its last. {@link LabClassOrder} runs such classes
     * together, after the others, so the VM is stopped right when the run ends.
     */
    static LabVmExtension shared(LabMachine machine) {
        return new LabVmExtension(machine, true);
    }

    /** The machine's spec text if its VM is shared, else null (what {@link LabClassOrder} groups by). */
    String sharedKey() {
        return shared ? machine.specText() : null;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        env = environmentOrSkip();
        if (shared) {
            sharedVm = SharedLabVm.of(context, env, machine);
            vm = sharedVm.vm();
            sharedVm.checkUnchanged(context.getDisplayName(), "before");
            return;
        }
        // The lab VM is started by the jar's own 'hostdev vm start': every lab test needs the jar built.
        vm = LabVm.boot(env, machine, HostdevLauncher.jar(env.java(), hostdevJarOrSkip()));
        System.out.printf("[lab] %s: booted in %d ms (work dir %s)%n", context.getDisplayName(),
                vm.bootTime().toMillis(), vm.workDir());
        vm.loadDrivers();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (sharedVm != null) {
            if (vm != null) {
                sharedVm.checkUnchanged(context.getDisplayName(), "after");
            }
            return;
        }
        if (vm != null) {
            long pid = vm.pid();
            vm.close();
            if (vm.keepsArtifacts()) {
                System.out.println("[lab] logs kept in " + vm.workDir());
            }
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                throw new AssertionError("the lab VM's QEMU (pid " + pid + ") survived close()");
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (vm != null) {
            vm.markFailed();
        }
    }

    /** The running lab VM. */
    LabVm vm() {
        return vm;
    }

    /** The lab's environment (Java path etc.). */
    LabEnvironment env() {
        return env;
    }

    /** The lab's environment, or the test is skipped with what to install. */
    static LabEnvironment environmentOrSkip() {
        try {
            return LabEnvironment.detect();
        } catch (HostdevException e) {
            Assumptions.abort("lab skipped: " + e.getMessage() + "; " + e.hint());
            throw e;
        }
    }

    /**
     * The shaded {@code hostdev.jar} that the tests run inside the guest: {@code -Dhostdev.jar=…}, or
     * {@code qemu-launcher/target/hostdev.jar} next to this module (in {@code mvn verify} the reactor
     * packages qemu-launcher before these tests run).
     */
    static Path hostdevJarOrSkip() {
        String property = System.getProperty("hostdev.jar");
        Path jar = property != null ? Path.of(property)
                : testClasses().getParent().getParent().getParent().resolve("qemu-launcher/target/hostdev.jar");
        if (!Files.isRegularFile(jar)) {
            Assumptions.abort("lab skipped: " + jar + " is not built; run 'mvn -pl qemu-launcher -am package' "
                    + "(or the whole 'mvn verify') first");
        }
        return jar.toAbsolutePath().normalize();
    }

    /** This module's compiled test classes (visible inside the guest, whose root is the host's /). */
    static Path testClasses() {
        try {
            return Path.of(LabVmExtension.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
