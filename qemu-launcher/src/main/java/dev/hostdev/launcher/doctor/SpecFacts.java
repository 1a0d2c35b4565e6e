package dev.hostdev.launcher.doctor;

import dev.hostdev.launcher.spec.Iommu;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.launcher.topology.AllFunctions;
import dev.hostdev.launcher.topology.PciFacts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The facts of a VM spec doctor needs: how much RAM the guest gets and whether it has an emulated
 * IOMMU (for the memlock check), and the host PCI devices it names (checked one by one when no DEV
 * is given).
 *
 * @param file         the spec file, for messages
 * @param memoryBytes  guest RAM in bytes
 * @param guestIommu   whether the guest gets an emulated IOMMU
 * @param pciDevices   the PCI hostdevs of the spec, in file order
 */
public record SpecFacts(Path file, long memoryBytes, boolean guestIommu, List<PciAddress> pciDevices) {
    /** Validates the memory size and copies the list. */
    public SpecFacts {
        Objects.requireNonNull(file, "file");
        pciDevices = List.copyOf(pciDevices);
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("guest memory must be positive: " + memoryBytes);
        }
    }

    /**
     * Loads the spec with the VM side's loader (so a spec doctor accepts is one {@code vm start} accepts).
     *
     * @throws dev.hostdev.engine.HostdevException not found or usage, naming the file and line
     */
    public static SpecFacts read(Path file) {
        return of(file, VmSpecLoader.load(file));
    }

    /**
     * Loads the spec, resolves its PCI selectors on the host and spells out {@code functions = "all"} with the host's
     * functions, as {@code vm start} does, so that every function the VM would take is checked.
     */
    public static SpecFacts read(Path file, dev.hostdev.engine.pci.PciSelectorResolver resolver, PciFacts facts) {
        return of(file, AllFunctions.expand(VmSpecLoader.load(file, resolver), facts, new ArrayList<>()));
    }

    /** The facts of a loaded spec. */
    public static SpecFacts of(Path file, VmSpec spec) {
        return new SpecFacts(file, spec.memory().bytes(), spec.iommu() != Iommu.NONE,
                spec.pciHostdevs().stream().map(h -> h.pci()).flatMap(Optional::stream).toList());
    }
}
