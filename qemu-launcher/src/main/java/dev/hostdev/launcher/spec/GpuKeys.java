package dev.hostdev.launcher.spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Reads the GPU keys of a {@code [[hostdev]]} ({@code rombar}, {@code romfile}, {@code x_vga}, {@code display}). */
final class GpuKeys {
    /** The keys, for "applies to PCI hostdevs only". */
    static final List<String> KEYS = List.of("rombar", "romfile", "x_vga", "display");

    private GpuKeys() {
    }

    /**
     * The options of one table; a romfile is resolved against the spec's directory (checked at start, not here:
     * a spec may be read on another machine).
     */
    static GpuOptions read(TomlTable t, Path baseDir) {
        Optional<Boolean> rombar = t.bool("rombar");
        Optional<Path> romfile = t.string("romfile").map(s -> {
            if (s.isBlank() || s.indexOf('\0') >= 0) {
                throw t.error("romfile", "must name a file", "e.g. romfile = \"/usr/share/vgabios/gpu.rom\"");
            }
            return baseDir.resolve(s).normalize();
        });
        boolean xVga = t.bool("x_vga").orElse(false);
        Optional<GpuOptions.Display> display = t.string("display").map(s -> switch (s) {
            case "on" -> GpuOptions.Display.ON;
            case "off" -> GpuOptions.Display.OFF;
            case "auto" -> GpuOptions.Display.AUTO;
            default -> throw t.error("display", "must be \"on\", \"off\" or \"auto\" (QEMU's vfio-pci display), not '" + s + "'", null);
        });
        if (rombar.equals(Optional.of(false)) && romfile.isPresent()) {
            throw t.error("romfile", "is given with rombar = false: the guest would never see it",
                    "remove rombar = false to give the guest the ROM file, or remove romfile");
        }
        return new GpuOptions(rombar, romfile, xVga, display);
    }
}
