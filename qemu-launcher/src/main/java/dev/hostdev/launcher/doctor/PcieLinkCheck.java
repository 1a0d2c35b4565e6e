package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Optional;

/** Whether the device's PCIe link runs below what it and its slot can do (speed or width). */
public final class PcieLinkCheck implements DeviceCheck {
    static final String ID = "pcie-link";

    @Override
    public CheckResult run(DoctorContext context, PciAddress device) {
        String dir = "bus/pci/devices/" + device + "/";
        Optional<String> speed = context.sysfs().read(dir + "current_link_speed");
        Optional<String> maxSpeed = context.sysfs().read(dir + "max_link_speed");
        Optional<String> width = context.sysfs().read(dir + "current_link_width");
        Optional<String> maxWidth = context.sysfs().read(dir + "max_link_width");
        String dev = device.toString();
        if (speed.isEmpty() || maxSpeed.isEmpty() || width.isEmpty() || maxWidth.isEmpty()
                || speed.get().startsWith("Unknown")) {
            return CheckResult.notApplicable(ID, "no PCIe link attributes (conventional PCI or a virtual device)")
                    .forDevice(dev);
        }
        String found = "link " + speed.get() + " x" + width.get() + " of " + maxSpeed.get() + " x" + maxWidth.get();
        boolean slower = gts(speed.get()) < gts(maxSpeed.get());
        boolean narrower = number(width.get()) < number(maxWidth.get());
        if (!slower && !narrower) {
            return CheckResult.ok(ID, found).forDevice(dev);
        }
        return CheckResult.warn(ID, found + (slower ? " (slower" : " (") + (slower && narrower ? ", " : "")
                        + (narrower ? "narrower" : "") + " than it can run)",
                "idle GPUs lower their link speed and raise it under load: check again under load; if it stays "
                        + "low, reseat the card or move it to a slot wired for x" + maxWidth.get()).forDevice(dev);
    }

    private static double gts(String s) {
        try {
            return Double.parseDouble(s.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static int number(String s) {
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
