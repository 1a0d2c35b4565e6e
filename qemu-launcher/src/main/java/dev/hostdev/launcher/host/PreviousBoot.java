package dev.hostdev.launcher.host;

import dev.hostdev.engine.bind.DeviceBinder;
import dev.hostdev.launcher.vm.ProcessIdentity;
import dev.hostdev.launcher.vm.VmRecord;
import dev.hostdev.launcher.vm.VmRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * What a previous boot left in state directories that outlive a reboot (a run directory on disk, a
 * {@code /run} that is not a tmpfs): VM records that still say their QEMU runs, and journal entries of
 * operations it never finished. Each is described as ended by a host reboot; nothing is done to the devices
 * they name (the reboot reset them, and this boot may already hold them as it should).
 */
public final class PreviousBoot {
    private PreviousBoot() {
    }

    /**
     * The descriptions, VM records first.
     *
     * @param retire remove the journal entries once reported (the VM records stay, for {@code vm list}, until the
     *               VM is started again or removed)
     */
    public static List<String> report(DeviceBinder binder, VmRegistry registry, boolean retire) {
        List<String> out = new ArrayList<>();
        for (VmRegistry.Entry e : registry.scan()) {
            if (e.readable() && e.record().endedByHostReboot()) {
                out.add(describe(e.record()));
            }
        }
        out.addAll(binder.previousBoot(retire));
        return out;
    }

    /** One VM record of a previous boot, in words. */
    static String describe(VmRecord r) {
        return "VM " + r.name() + " (started " + r.startedAt() + ", recorded " + r.state().jsonName() + " with QEMU pid "
                + r.qemu().pid() + " during boot " + r.qemu().bootId() + ") was ended by a host reboot (this boot is "
                + ProcessIdentity.currentBoot() + ")" + (r.managed().isEmpty() ? "" : "; its managed devices "
                + String.join(", ", r.managed()) + " were reset by the reboot and are not given back");
    }
}
