package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciDevice;

/**
 * Whether a display device is the host's boot VGA ({@code boot_vga} reads 1): the one the firmware and the
 * host's early console draw on. Passing it through works, but the host loses its console, a framebuffer
 * driver (efifb, simplefb, vesafb) may still hold its memory, and its ROM may be a shadowed copy.
 */
public final class BootVgaCheck implements DeviceCheck {
    static final String ID = "boot-vga";

    @Override
    public CheckResult run(DoctorContext context, PciDevice device) {
        String dev = device.address().toString();
        boolean display = (device.classCode() >> 16) == 0x03;
        if (!display && !device.bootVga()) {
            return CheckResult.notApplicable(ID, "not a display device (class " + String.format("%06x", device.classCode()) + ")").forDevice(dev);
        }
        if (!device.bootVga()) {
            return CheckResult.ok(ID, "not the boot VGA (boot_vga 0): the host's console is on another device").forDevice(dev);
        }
        return CheckResult.warn(ID, "the host's boot VGA (boot_vga 1): the firmware and the host's console use it",
                "give the VM another GPU, or make another one primary in the firmware setup; if you pass this one, keep host "
                        + "framebuffers off it (kernel parameter video=efifb:off or initcall_blacklist=sysfb_init) and consider "
                        + "romfile = a clean ROM image in its [[hostdev]], with x_vga = true for a legacy VGA guest").forDevice(dev);
    }
}
