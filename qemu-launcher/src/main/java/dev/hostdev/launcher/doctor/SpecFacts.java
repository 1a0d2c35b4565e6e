package dev.hostdev.launcher.doctor;

import dev.hostdev.launcher.spec.Iommu;
import dev.hostdev.launcher.spec.VmSpec;
import dev.hostdev.launcher.spec.VmSpecLoader;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The two facts of a VM spec the memlock check needs: how much RAM the guest gets and whether it
 * has an emulated IOMMU.
 *
 * @param file         the spec file, for messages
 * @param memoryBytes  guest RAM in bytes
 * @param guestIommu   whether the guest gets an emulated IOMMU
 */
public record SpecFacts(Path file, long memoryBytes, boolean guestIommu) {
    /** Validates the memory size. */
    public SpecFacts {
        Objects.requireNonNull(file, "file");
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

    /** The facts of a loaded spec. */
    public static SpecFacts of(Path file, VmSpec spec) {
        return new SpecFacts(file, spec.memory().bytes(), spec.iommu() != Iommu.NONE);
    }
}
