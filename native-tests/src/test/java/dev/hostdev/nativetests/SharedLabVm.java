package dev.hostdev.nativetests;

import dev.hostdev.launcher.lab.HostdevLauncher;
import dev.hostdev.launcher.lab.LabEnvironment;
import dev.hostdev.launcher.lab.LabMachine;
import dev.hostdev.launcher.lab.LabVm;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One lab VM booted once for every test class that asks for the same machine ({@link LabVmExtension#shared}),
 * kept in the root extension store (which closes what it holds when the whole run ends: JUnit 5.13+ closes
 * {@link AutoCloseable} values) and stopped then. Remembers the guest's state right after
 * boot ({@link GuestState}); each class is checked against it before it starts and after it ends. A boot that
 * failed is remembered too, so the classes after it fail at once instead of booting again.
 */
final class SharedLabVm implements AutoCloseable {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedLabVm.class);

    private final LabVm vm;
    private final GuestState atBoot;
    private final RuntimeException bootFailure;

    private SharedLabVm(LabVm vm, GuestState atBoot, RuntimeException bootFailure) {
        this.vm = vm;
        this.atBoot = atBoot;
        this.bootFailure = bootFailure;
    }

    /** The VM of {@code machine} for this run, booted (and its drivers loaded) on first use. */
    static SharedLabVm of(ExtensionContext context, LabEnvironment env, LabMachine machine) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(machine.specText(), key -> boot(context, env, machine), SharedLabVm.class);
    }

    private static SharedLabVm boot(ExtensionContext context, LabEnvironment env, LabMachine machine) {
        LabVm vm = null;
        try {
            vm = LabVm.boot(env, machine, HostdevLauncher.jar(env.java(), LabVmExtension.hostdevJarOrSkip()));
            System.out.printf("[lab] shared lab VM for %s and the classes after it: booted in %d ms (work dir %s)%n",
                    context.getDisplayName(), vm.bootTime().toMillis(), vm.workDir());
            vm.loadDrivers();
            return new SharedLabVm(vm, GuestState.read(vm), null);
        } catch (RuntimeException e) {
            if (vm != null) {
                vm.markFailed();
                vm.close();
            }
            return new SharedLabVm(null, null, e);
        }
    }

    /** The running VM, or the boot's failure again. */
    LabVm vm() {
        if (bootFailure != null) {
            throw new IllegalStateException("the shared lab VM failed to boot for an earlier class: " + bootFailure.getMessage(),
                    bootFailure);
        }
        return vm;
    }

    /**
     * Fails loudly, naming {@code who} and {@code when}, if the guest is not as it was right after boot: a
     * device off its driver, a {@code driver_override} left, a VFIO group, a QEMU, a journal entry or device record.
     */
    void checkUnchanged(String who, String when) {
        GuestState now = GuestState.read(vm());
        var differences = atBoot.differences(now);
        if (!differences.isEmpty()) {
            vm.markFailed();
            throw new AssertionError("the shared lab guest is not as it was after boot " + when + " " + who
                    + " (a class must leave every device on its driver and nothing of Hostdev's behind): "
                    + String.join("; ", differences) + "\nnow:\n" + now);
        }
    }

    @Override
    public void close() {
        if (vm == null) {
            return;
        }
        long pid = vm.pid();
        vm.close();
        if (vm.keepsArtifacts()) {
            System.out.println("[lab] logs of the shared lab VM kept in " + vm.workDir());
        }
        if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            throw new AssertionError("the shared lab VM's QEMU (pid " + pid + ") survived close()");
        }
    }
}
