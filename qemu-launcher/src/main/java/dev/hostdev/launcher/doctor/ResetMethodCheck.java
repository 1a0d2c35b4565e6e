package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciDevice;

/**
 * Whether the kernel can reset the device ({@code reset_method}, or the {@code reset} file on
 * kernels before 5.15). Without a reset, giving the device back to its host driver may find it in
 * whatever state the guest left, which has hung hosts.
 */
public final class ResetMethodCheck implements DeviceCheck {
    static final String ID = "reset-method";

    @Override
    public CheckResult run(DoctorContext context, PciDevice device) {
        String dev = device.address().toString();
        if (!device.resetMethods().isEmpty()) {
            return CheckResult.ok(ID, "reset methods: " + String.join(" ", device.resetMethods())).forDevice(dev);
        }
        if (context.sysfs().exists("bus/pci/devices/" + dev + "/reset")) {
            return CheckResult.ok(ID, "the kernel can reset it (reset file present)").forDevice(dev);
        }
        return CheckResult.warn(ID, "no reset method (no reset_method or reset file)",
                "expect reattach to hand the device back unreset; prefer keeping it on vfio-pci between VMs, or "
                        + "place it where a bus reset is possible (alone behind its bridge)").forDevice(dev);
    }
}
