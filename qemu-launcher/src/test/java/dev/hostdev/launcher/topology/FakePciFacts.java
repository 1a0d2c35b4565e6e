package dev.hostdev.launcher.topology;

import dev.hostdev.engine.pci.PciAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** PCI facts given by a test: which devices exist, whether PCI Express, their BARs. */
public final class FakePciFacts implements PciFacts {
    private final Map<PciAddress, Boolean> pcie = new HashMap<>();
    private final Map<PciAddress, BarSizes> bars = new HashMap<>();

    /** No devices at all. */
    public static FakePciFacts none() {
        return new FakePciFacts();
    }

    /** Adds a PCI Express device with no BARs. */
    public FakePciFacts pcie(String address) {
        pcie.put(PciAddress.parse(address), true);
        bars.putIfAbsent(PciAddress.parse(address), new BarSizes(0, 0, 0));
        return this;
    }

    /** Adds a conventional PCI device with no BARs. */
    public FakePciFacts conventional(String address) {
        pcie.put(PciAddress.parse(address), false);
        bars.putIfAbsent(PciAddress.parse(address), new BarSizes(0, 0, 0));
        return this;
    }

    /** Adds a PCI Express device whose sysfs {@code resource} file reads so. */
    public FakePciFacts pcieWithResource(String address, String resource) {
        pcie.put(PciAddress.parse(address), true);
        bars.put(PciAddress.parse(address), BarSizes.parse(resource));
        return this;
    }

    @Override
    public Optional<Boolean> isPcie(PciAddress address) {
        return Optional.ofNullable(pcie.get(address));
    }

    @Override
    public Optional<BarSizes> barSizes(PciAddress address) {
        return Optional.ofNullable(bars.get(address));
    }
}
