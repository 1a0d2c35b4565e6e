package dev.hostdev.launcher.spec;

import java.util.Optional;
import java.util.Set;

/**
 * The {@code memory} key of a {@code [[device]]}: RAM for an emulated device that takes a memory backend
 * ({@code memdev}), such as {@code ivshmem-plain}, whose shared memory the guest sees as a 64-bit prefetchable BAR.
 * The plan creates {@code -object memory-backend-ram,id=mem-ID,size=…} and sets {@code memdev=mem-ID}.
 */
public final class DeviceMemory {
    /** Models whose memory backend is a BAR of theirs (so a power of two, counted in the 64-bit PCI window). */
    public static final Set<String> BAR_MODELS = Set.of("ivshmem-plain");
    /** Models that take a {@code memdev}. */
    static final Set<String> MODELS = Set.of("ivshmem-plain", "virtio-pmem-pci", "virtio-mem-pci");

    private DeviceMemory() {
    }

    /** The id of a device's memory backend. */
    public static String backendId(String deviceId) {
        return "mem-" + deviceId;
    }

    static Optional<MemorySize> read(TomlTable t, String model) {
        Optional<MemorySize> memory = t.parsed("memory", MemorySize::parse);
        if (memory.isEmpty()) {
            return memory;
        }
        if (!MODELS.contains(model)) {
            throw t.error("memory", "applies to devices that take a memory backend (" + String.join(", ", new java.util.TreeSet<>(MODELS))
                    + "), not " + model, "remove memory; the VM's own memory is a top-level key, above the first [[…]] section");
        }
        long bytes = memory.get().bytes();
        if (bytes % MemorySize.MIB != 0 || !memory.get().fitsX86_64()) {
            throw t.error("memory", "must be a whole number of MiB within the guest's address space, not " + memory.get(), "e.g. memory = \"4G\"");
        }
        if (BAR_MODELS.contains(model) && Long.bitCount(bytes) != 1) {
            throw t.error("memory", "of " + model + " is its BAR, and a PCI BAR is a power of two, not " + memory.get(),
                    "e.g. memory = \"4G\"");
        }
        return memory;
    }
}
