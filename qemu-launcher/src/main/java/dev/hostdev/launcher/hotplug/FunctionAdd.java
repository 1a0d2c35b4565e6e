package dev.hostdev.launcher.hotplug;

import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.vm.VmDevice;
import java.util.Objects;

/**
 * One function other than 0 of a multi-function device hotplugged whole: its record and its {@code device_add}.
 * QEMU takes the functions of a slot in any order but shows the slot to the guest when function 0 arrives,
 * so these are sent first, from the highest function down, and function 0 last.
 *
 * @param recorded  the device as it will be recorded ({@code addr=0x0.0xN} of the root port)
 * @param deviceAdd its {@code device_add}
 */
public record FunctionAdd(VmDevice recorded, QmpCall deviceAdd) {
    /** Requires both. */
    public FunctionAdd {
        Objects.requireNonNull(recorded);
        Objects.requireNonNull(deviceAdd);
    }
}
