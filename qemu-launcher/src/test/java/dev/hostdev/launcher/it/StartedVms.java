package dev.hostdev.launcher.it;

import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.VmRuntimeDir;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The VMs an integration test starts through {@code hostdev vm start --root ROOT}: {@link #killAll} kills each one's
 * QEMU and supervisor by the pids its record names, and any process noted with {@link #alsoKill} (an earlier QEMU of a
 * VM started again). Registered as an extension ({@code @RegisterExtension}), it does so after each test.
 */
final class StartedVms implements AfterEachCallback {
    private final List<VmRuntimeDir> dirs = new ArrayList<>();
    private final List<ProcessIdentity> others = new ArrayList<>();

    /** The runtime directory of VM {@code name} under {@code root}'s default run directory, remembered for {@link #killAll}. */
    VmRuntimeDir dir(Path root, String name) {
        VmRuntimeDir d = new VmRuntimeDir(root.resolve("run/hostdev/vms"), name);
        dirs.add(d);
        return d;
    }

    /** A process to kill too (null is ignored). */
    void alsoKill(ProcessIdentity p) {
        if (p != null) {
            others.add(p);
        }
    }

    /** Kills every QEMU and supervisor the remembered VMs' records name, and the processes noted. */
    void killAll() {
        for (VmRuntimeDir d : dirs) {
            d.read().ifPresent(r -> {
                alsoKill(r.qemu());
                alsoKill(r.supervisor());
            });
        }
        others.forEach(p -> p.handle().ifPresent(ProcessHandle::destroyForcibly));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        killAll();
    }
}
