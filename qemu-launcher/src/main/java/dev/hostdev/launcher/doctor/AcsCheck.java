package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.iommu.IommuGroup;
import dev.hostdev.engine.iommu.IommuGroups;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

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
    private static final int MAX_DEPTH = 32;

    @Override
    public CheckResult run(DoctorContext context, PciDevice device) {
        String dev = device.address().toString();
        IommuGroup group;
        try {
            group = new IommuGroups(context.sysfs()).of(device.address());
        } catch (HostdevException e) {
            return CheckResult.notApplicable(ID, "no IOMMU group").forDevice(dev);
        }
        PciInventory inventory = new PciInventory(context.sysfs());
        List<PciAddress> outsiders = group.othersThan(device.address()).stream()
                .filter(p -> !p.functionZero().equals(device.address().functionZero()))
                .filter(p -> inventory.get(p).map(d -> !d.isBridge()).orElse(true))
                .toList();
        if (outsiders.isEmpty()) {
            return CheckResult.ok(ID, "group " + group.number() + " holds only this slot's functions")
                    .forDevice(dev);
        }
        List<String> findings = new ArrayList<>();
        Optional<PciAddress> up = device.parent();
        for (int depth = 0; up.isPresent() && depth < MAX_DEPTH; depth++) {
            PciAddress bridge = up.get();
            findings.addAll(acsOf(context, bridge));
            up = inventory.get(bridge).flatMap(PciDevice::parent);
        }
        String peers = outsiders.stream().map(PciAddress::toString).collect(Collectors.joining(", "));
        String cause = findings.isEmpty()
                ? "every bridge above it has ACS enabled (the group comes from the device itself or a quirk)"
                : String.join("; ", findings);
        return CheckResult.warn(ID, "group " + group.number() + " also holds " + peers + "; " + cause,
                "give the whole group to the VM (hostdev detach --group " + dev + "), or move the card to a slot "
                        + "behind a port with ACS (usually a CPU root port rather than a chipset one)").forDevice(dev);
    }

    private static List<String> acsOf(DoctorContext context, PciAddress bridge) {
        Optional<byte[]> config = context.sysfs().readBytes("bus/pci/devices/" + bridge + "/config", 4096);
        if (config.isEmpty() || config.get().length < 4096) {
            return List.of(bridge + ": extended config space not readable (run as root)");
        }
        Optional<Integer> acs = PciExtendedCapabilities.find(config.get(), PciExtendedCapabilities.ACS);
        if (acs.isEmpty()) {
            return List.of(bridge + " has no ACS capability");
        }
        int control = PciExtendedCapabilities.word(config.get(), acs.get() + 6);
        if ((control & ISOLATING) != ISOLATING) {
            return List.of(bridge + " has ACS but control is 0x" + Integer.toHexString(control)
                    + " (SV, RR, CR, UF not all on)");
        }
        return List.of();
    }
}
