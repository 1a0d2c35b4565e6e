package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciAddress;

/**
 * Whether the kernel can reset the device ({@code reset_method}, or the {@code reset} file on
 * kernels before 5.15). Without a reset, giving the device back to its host driver may find it in
 * whatever state the guest left, which has hung hosts.
 */
public final class ResetMethodCheck implements DeviceCheck {
    static final String ID = "reset-method";

    @Override
    public CheckResult run(DoctorContext context, PciAddress device) {
        String dir = "bus/pci/devices/" + device;
        var methods = context.sysfs().read(dir + "/reset_method").filter(s -> !s.isBlank());
        if (methods.isPresent()) {
            return CheckResult.ok(ID, "reset methods: " + methods.get()).forDevice(device.toString());
        }
        if (context.sysfs().exists(dir + "/reset")) {
            return CheckResult.ok(ID, "the kernel can reset it (reset file present)").forDevice(device.toString());
        }
        return CheckResult.warn(ID, "no reset method (no reset_method or reset file)",
                "expect reattach to hand the device back unreset; prefer keeping it on vfio-pci between VMs, or "
                        + "place it where a bus reset is possible (alone behind its bridge)").forDevice(device.toString());
    }
}
