package dev.hostdev.engine.iommu;

import java.util.Optional;

/**
 * PCI functions that are part of the platform itself and never go to a VM whatever drives them: the
 * interrupt controllers (class 0x0800: 8259 PIC, I/O APIC, I/O(x)APIC), the IOMMU (0x0806, e.g. an
 * AMD IOMMU function; Intel's VT-d units are not PCI functions at all) and root complex event
 * collectors (0x0807). Host bridges (0x0600) are the host guard's ({@code HostUse.Kind.HOST_BRIDGE}).
 */
public final class PlatformFunctions {
    private PlatformFunctions() {
    }

    /** Why a function of this 24-bit class stays with the host, or empty when nothing in its class says so. */
    public static Optional<String> keptBecause(int classCode) {
        return switch (classCode >>> 8) {
            case 0x0800 -> Optional.of("is an interrupt controller (PIC/IOAPIC, class 0x0800)");
            case 0x0806 -> Optional.of("is an IOMMU (class 0x0806)");
            case 0x0807 -> Optional.of("is a root complex event collector (class 0x0807)");
            default -> Optional.empty();
        };
    }
}
