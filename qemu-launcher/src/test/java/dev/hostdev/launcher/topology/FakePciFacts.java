package dev.hostdev.launcher.topology;

import dev.hostdev.engine.pci.PciAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** PCI facts given by a test: which devices exist, whether PCI Express, their BARs. */
public final class FakePciFacts implements PciFacts {
    /** A GPU's resource file: BAR0 16M 32-bit, BAR1 256M 64-bit prefetchable, BAR3 32M 64-bit prefetchable, BAR5 I/O 128, ROM 512K. */
    public static final String GPU_RESOURCE = """
            0x00000000fb000000 0x00000000fbffffff 0x0000000000040200
            0x000000e000000000 0x000000e00fffffff 0x000000000014220c
            0x0000000000000000 0x0000000000000000 0x0000000000000000
            0x000000e010000000 0x000000e011ffffff 0x000000000014220c
            0x0000000000000000 0x0000000000000000 0x0000000000000000
            0x000000000000e000 0x000000000000e07f 0x0000000000040101
            0x00000000fc000000 0x00000000fc07ffff 0x0000000000046200
            0x0000000000000000 0x0000000000000000 0x0000000000000000
            0x00000000fd000000 0x00000000fdffffff 0x0000000000040200
            """;


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
