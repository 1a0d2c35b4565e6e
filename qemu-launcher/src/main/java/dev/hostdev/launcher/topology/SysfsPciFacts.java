package dev.hostdev.launcher.topology;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.pci.PciDevice;
import dev.hostdev.engine.pci.PciInventory;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.List;
import java.util.Optional;

/**
 * {@link PciFacts} read from sysfs: PCI Express or not as the engine's {@link PciInventory} reads
 * it (the PCI Express capability in config space, or {@code max_link_speed} where config is only
 * partly readable); BARs from {@code resource}.
 */
public final class SysfsPciFacts implements PciFacts {
    private final Sysfs sysfs;
    private final PciInventory inventory;

    /** @param sysfs where to read */
    public SysfsPciFacts(Sysfs sysfs) {
        this.sysfs = sysfs;
        this.inventory = new PciInventory(sysfs);
    }

    @Override
    public Optional<Boolean> isPcie(PciAddress address) {
        return inventory.get(address).map(PciDevice::pcie);
    }

    @Override
    public List<PciAddress> functionsOf(PciAddress address) {
        PciAddress zero = address.functionZero();
        return inventory.addresses().stream().filter(a -> a.functionZero().equals(zero)).sorted().toList();
    }

    @Override
    public Optional<BarSizes> barSizes(PciAddress address) {
        String dir = "bus/pci/devices/" + address;
        if (!sysfs.exists(dir)) {
            return Optional.empty();
        }
        return Optional.of(BarSizes.parse(sysfs.read(dir + "/resource").orElse("")));
    }
}
