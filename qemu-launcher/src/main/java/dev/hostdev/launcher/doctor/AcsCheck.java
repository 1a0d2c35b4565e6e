package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * When a device's IOMMU group holds more than its own slot's functions, looks for the cause on the
 * path above it: a bridge or port without Access Control Services, or with the isolating controls
 * (source validation, request and completion redirect, upstream forwarding) off, lets peers talk
 * without the IOMMU and so share a group. Reads each upstream bridge's extended config space.
 */
public final class AcsCheck implements DeviceCheck {
    static final String ID = "acs";
    /** ACS control bits the kernel wants for isolation: SV, RR, CR, UF. */
    static final int ISOLATING = 0x1 | 0x4 | 0x8 | 0x10;

    @Override
    public CheckResult run(DoctorContext context, PciAddress device) {
        PciDeviceView view = new PciDeviceView(context.sysfs(), device);
        if (view.iommuGroup().isEmpty()) {
            return CheckResult.notApplicable(ID, "no IOMMU group").forDevice(device.toString());
        }
        List<PciAddress> outsiders = view.groupPeers().stream()
                .filter(p -> !p.functionZero().equals(device.functionZero()))
                .toList();
        if (outsiders.isEmpty()) {
            return CheckResult.ok(ID, "group " + view.iommuGroup().get() + " holds only this slot's functions")
                    .forDevice(device.toString());
        }
        List<String> findings = new ArrayList<>();
        for (PciAddress bridge : view.upstream()) {
            String dir = "bus/pci/devices/" + bridge + "/config";
            Optional<byte[]> config = context.sysfs().readBytes(dir, 4096);
            if (config.isEmpty() || config.get().length < 4096) {
                findings.add(bridge + ": extended config space not readable (run as root)");
                continue;
            }
            Optional<Integer> acs = PciExtendedCapabilities.find(config.get(), PciExtendedCapabilities.ACS);
            if (acs.isEmpty()) {
                findings.add(bridge + " has no ACS capability");
            } else {
                int control = PciExtendedCapabilities.word(config.get(), acs.get() + 6);
                if ((control & ISOLATING) != ISOLATING) {
                    findings.add(bridge + " has ACS but control is 0x" + Integer.toHexString(control)
                            + " (SV, RR, CR, UF not all on)");
                }
            }
        }
        String peers = outsiders.stream().map(PciAddress::toString).reduce((a, b) -> a + ", " + b).orElse("");
        String cause = findings.isEmpty()
                ? "every bridge above it has ACS enabled (the group comes from the device or a quirk)"
                : String.join("; ", findings);
        return CheckResult.warn(ID, "group " + view.iommuGroup().get() + " also holds " + peers + "; " + cause,
                "give the whole group to the VM (hostdev detach --group " + device + "), or move the card to a slot "
                        + "behind a port with ACS (usually a CPU root port rather than a chipset one)")
                .forDevice(device.toString());
    }
}
