package dev.hostdev.launcher.spec;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@code [[hostdev]]} says about a GPU (or any device with an option ROM), as QEMU's vfio-pci
 * properties: {@code rombar}, {@code romfile}, {@code x-vga}, {@code display}. Empty values leave QEMU's defaults.
 *
 * @param rombar  whether the guest sees the device's ROM BAR ({@code rombar=1}/{@code 0})
 * @param romfile a ROM image given to the guest instead of the device's own (checked by {@link RomFile} at start)
 * @param xVga    the legacy VGA ranges go to this device ({@code x-vga=on}): a primary GPU
 * @param display QEMU's vfio-pci {@code display}: on, off or auto
 */
public record GpuOptions(Optional<Boolean> rombar, Optional<Path> romfile, boolean xVga, Optional<Display> display) {
    /** None of them: QEMU's defaults. */
    public static final GpuOptions NONE = new GpuOptions(Optional.empty(), Optional.empty(), false, Optional.empty());

    /** Requires the optionals. */
    public GpuOptions {
        Objects.requireNonNull(rombar);
        Objects.requireNonNull(romfile);
        Objects.requireNonNull(display);
    }

    /** Whether any option is set. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    /** QEMU's vfio-pci {@code display} property. */
    public enum Display {
        ON, OFF, AUTO;

        /** As QEMU spells it. */
        public String qemuName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
