package dev.hostdev.launcher.spec;

/** An IOMMU emulated for the guest ({@code iommu} in the spec). */
public enum Iommu {
    /** No emulated IOMMU (the default). */
    NONE,
    /**
     * QEMU's {@code intel-iommu} with interrupt remapping and caching mode, as a guest needs to
     * use VFIO itself (nested device assignment); it needs {@code kernel-irqchip=split}.
     */
    INTEL
}
