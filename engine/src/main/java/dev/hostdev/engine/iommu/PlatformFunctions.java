package dev.hostdev.engine.iommu;

import java.util.Optional;

/**
 * PCI functions that are part of the platform itself and never go to a VM whatever drives them: the
 * interrupt controllers (class 0x0800: 8259 PIC, I/O APIC, I/O(x)APIC), the IOMMU (0x0806, e.g. an
 * AMD IOMMU function; Intel's VT-d units are not PCI functions at all) and root complex event
 * collectors (0x0807). The host guard refuses them ({@code HostUse.Kind.PLATFORM_FUNCTION}), even with --force;
 * host bridges (0x0600) are its {@code HostUse.Kind.HOST_BRIDGE}.
 */
public final class PlatformFunctions {
    private PlatformFunctions() {
    }

    /** What a function of this 24-bit class is, when it is one the host keeps; empty when nothing in its class says so. */
    public static Optional<String> keptBecause(int classCode) {
        return switch (classCode >>> 8) {
            case 0x0800 -> Optional.of("interrupt controller: PIC/IOAPIC, class 0x0800");
            case 0x0806 -> Optional.of("IOMMU: class 0x0806");
            case 0x0807 -> Optional.of("root complex event collector: class 0x0807");
            default -> Optional.empty();
        };
    }
}
