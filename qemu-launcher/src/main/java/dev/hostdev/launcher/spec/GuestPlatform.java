package dev.hostdev.launcher.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The guest's firmware and physical address width, as a spec gives them ({@code firmware}, {@code phys_bits}).
 *
 * @param firmware     SeaBIOS (QEMU's default) or OVMF (UEFI)
 * @param firmwareFile the OVMF image ({@code -bios}); empty for SeaBIOS
 * @param physBits     the guest's physical address bits ({@code -cpu …,phys-bits=N}); empty: QEMU's (the host's under KVM, 40 under TCG)
 */
public record GuestPlatform(Firmware firmware, Optional<Path> firmwareFile, OptionalInt physBits) {
    /** QEMU's defaults: SeaBIOS, its phys-bits. */
    public static final GuestPlatform DEFAULT = new GuestPlatform(Firmware.SEABIOS, Optional.empty(), OptionalInt.empty());
    /** Where Debian's ovmf package puts the image {@code -bios} takes. */
    public static final Path DEFAULT_OVMF = Path.of("/usr/share/qemu/OVMF.fd");
    /** Bounds QEMU accepts for phys-bits on x86-64. */
    public static final int MIN_PHYS_BITS = 32, MAX_PHYS_BITS = 52;

    /** Checks the file goes with OVMF and the bits' range. */
    public GuestPlatform {
        Objects.requireNonNull(firmware);
        Objects.requireNonNull(firmwareFile);
        Objects.requireNonNull(physBits);
        if (firmwareFile.isPresent() != (firmware == Firmware.OVMF)) {
            throw new IllegalArgumentException("a firmware file goes with OVMF only");
        }
        if (physBits.isPresent() && (physBits.getAsInt() < MIN_PHYS_BITS || physBits.getAsInt() > MAX_PHYS_BITS)) {
            throw new IllegalArgumentException("phys_bits out of range: " + physBits);
        }
    }

    /** The guest firmware. */
    public enum Firmware {
        /** QEMU's default BIOS. */
        SEABIOS,
        /** UEFI (edk2's OVMF): sizes its 64-bit PCI window from fw_cfg {@code opt/ovmf/X-PciMmio64Mb}. */
        OVMF
    }
}
