package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A device's expansion ROM as sysfs shows it: the {@code rom} attribute, whose size is the ROM BAR's.
 * A GPU without one needs {@code romfile} for the guest's firmware to show anything on it. Only the
 * attribute's size is read: reading its contents needs a write to it first.
 */
public final class RomCheck implements DeviceCheck {
    static final String ID = "rom";

    @Override
    public CheckResult run(DoctorContext context, PciDevice device) {
        String dev = device.address().toString();
        boolean display = (device.classCode() >> 16) == 0x03;
        String attr = "bus/pci/devices/" + device.address() + "/rom";
        if (!context.sysfs().exists(attr)) {
            if (display) {
                return CheckResult.warn(ID, "no ROM (no rom attribute): the guest's firmware has no option ROM for this display device",
                        "give the guest a ROM image with romfile = \"/path/to/gpu.rom\" in its [[hostdev]] (a file starting with 55 AA), "
                                + "or use a guest that does not need the GPU at boot (UEFI with another display, display off)").forDevice(dev);
            }
            return CheckResult.notApplicable(ID, "no expansion ROM (no rom attribute)").forDevice(dev);
        }
        Path path = context.sysfs().path(attr);
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            return CheckResult.warn(ID, "rom attribute present but its size cannot be read: " + e.getMessage(),
                    "run hostdev doctor as root").forDevice(dev);
        }
        String found = "ROM BAR " + (size % 1024 == 0 ? (size / 1024) + "K" : size + " bytes") + " (sysfs rom)";
        return CheckResult.ok(ID, found + "; the guest sees it through the ROM BAR (rombar = false hides it, romfile = … replaces it)")
                .forDevice(dev);
    }
}
