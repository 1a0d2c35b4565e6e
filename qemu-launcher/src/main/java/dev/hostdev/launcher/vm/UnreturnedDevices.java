package dev.hostdev.launcher.vm;

import dev.hostdev.engine.pci.PciAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Managed devices that Hostdev VMs' records still hold although nothing may run them: a VM whose QEMU ended and
 * whose clean-up has not given them back yet (its supervisor was killed, say). A running VM's devices are claims
 * ({@link VmRecordClaims}); these are not, yet they are not free either: {@code vm stop NAME} gives them back.
 */
public final class UnreturnedDevices {
    private UnreturnedDevices() {
    }

    /**
     * @param registry the VMs Hostdev knows of
     * @param except   a VM whose own leftovers do not count (it gives them back before it starts again), or null
     * @return each device with who holds it, in words; empty when the records cannot be read (their QEMUs are still
     *         found as claims through /proc, and {@code vm list} reports the unreadable records)
     */
    public static Map<PciAddress, String> heldBy(VmRegistry registry, String except) {
        Map<PciAddress, String> held = new LinkedHashMap<>();
        List<VmRecord> records;
        try {
            records = registry.all();
        } catch (RuntimeException e) {
            return held;
        }
        for (VmRecord r : records) {
            if (r.name().equals(except)) {
                continue;
            }
            for (String m : r.managed()) {
                PciAddress a = PciAddress.tryParse(m);
                if (a != null) {
                    held.put(a, "VM " + r.name() + " (Hostdev), which has not given it back yet ('hostdev vm stop " + r.name() + "' does)");
                }
            }
        }
        return held;
    }
}
