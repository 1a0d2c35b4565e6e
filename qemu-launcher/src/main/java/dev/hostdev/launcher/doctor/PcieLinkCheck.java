package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PcieLink;

/** Whether the device's PCIe link runs below what it can do (speed or width). */
public final class PcieLinkCheck implements DeviceCheck {
    static final String ID = "pcie-link";

    @Override
    public CheckResult run(DoctorContext context, PciDevice device) {
        String dev = device.address().toString();
        if (device.link().isEmpty() || device.link().get().currentSpeed().startsWith("Unknown")
                || device.link().get().maxSpeed().startsWith("Unknown")) {
            return CheckResult.notApplicable(ID, "no PCIe link attributes (conventional PCI or a virtual device)")
                    .forDevice(dev);
        }
        PcieLink link = device.link().get();
        String found = "link " + link.currentSpeed() + " x" + link.currentWidth() + " of " + link.maxSpeed() + " x"
                + link.maxWidth();
        boolean slower = gts(link.currentSpeed()) < gts(link.maxSpeed());
        boolean narrower = link.currentWidth() < link.maxWidth();
        if (!slower && !narrower) {
            return CheckResult.ok(ID, found).forDevice(dev);
        }
        String how = slower && narrower ? "slower and narrower" : slower ? "slower" : "narrower";
        return CheckResult.warn(ID, found + " (" + how + " than it can run)",
                "idle GPUs lower their link speed and raise it under load: check again under load; if it stays "
                        + "low, reseat the card or move it to a slot wired for x" + link.maxWidth()).forDevice(dev);
    }

    /** The transfer rate of e.g. {@code 8.0 GT/s PCIe}. */
    private static double gts(String s) {
        try {
            return Double.parseDouble(s.split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
