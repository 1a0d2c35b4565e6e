package dev.hostdev.launcher.cmdline;

import dev.hostdev.launcher.spec.MemorySize;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the command line says about the guest platform beyond machine, CPU count and RAM: the CPU's
 * address-width options, the firmware image, the 64-bit PCI hole and the memory backends of devices.
 *
 * @param cpuOptions   options after the CPU model ({@code host-phys-bits=on}, {@code phys-bits=46}); empty: none
 * @param bios         the firmware image for {@code -bios} (OVMF); empty: QEMU's SeaBIOS
 * @param hole64       {@code -global q35-pcihost.pci-hole64-size=…}, if set
 * @param ovmfMmio64Mb {@code -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=…}, if set (OVMF only)
 * @param backends     {@code -object memory-backend-ram} for devices, in device order
 */
public record PlatformArgs(Optional<String> cpuOptions, Optional<Path> bios, Optional<MemorySize> hole64,
                           Optional<Long> ovmfMmio64Mb, List<MemoryBackend> backends) {
    /** Nothing beyond QEMU's defaults. */
    public static final PlatformArgs NONE = new PlatformArgs(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), List.of());
    /** The fw_cfg file OVMF reads its 64-bit PCI window size from (in MiB). */
    public static final String OVMF_MMIO64_FW_CFG = "opt/ovmf/X-PciMmio64Mb";

    /** Copies the list. */
    public PlatformArgs {
        Objects.requireNonNull(cpuOptions);
        Objects.requireNonNull(bios);
        Objects.requireNonNull(hole64);
        Objects.requireNonNull(ovmfMmio64Mb);
        backends = List.copyOf(backends);
    }

    /** The arguments that go right after {@code -machine}: -bios, -global, -fw_cfg. */
    List<String> machineArguments() {
        List<String> a = new java.util.ArrayList<>();
        bios.ifPresent(b -> {
            a.add("-bios");
            a.add(b.toString());
        });
        hole64.ifPresent(h -> {
            a.add("-global");
            a.add("q35-pcihost.pci-hole64-size=" + h.bytes());
        });
        ovmfMmio64Mb.ifPresent(mb -> {
            a.add("-fw_cfg");
            a.add("name=" + OVMF_MMIO64_FW_CFG + ",string=" + mb);
        });
        return a;
    }
}
