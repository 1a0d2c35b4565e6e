package dev.hostdev.launcher.spec;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Reads the top-level {@code firmware}, {@code firmware_file} and {@code phys_bits} keys. */
final class PlatformKeys {
    /** The keys, for {@link VmSpecLoader#TOP_LEVEL_KEYS}. */
    static final Set<String> KEYS = Set.of("firmware", "firmware_file", "phys_bits");

    private PlatformKeys() {
    }

    static GuestPlatform read(TomlTable top, Path baseDir) {
        Optional<String> firmware = top.string("firmware");
        Optional<Path> file = top.string("firmware_file").map(s -> baseDir.resolve(s).normalize());
        GuestPlatform.Firmware kind = firmware.map(f -> switch (f) {
            case "seabios" -> GuestPlatform.Firmware.SEABIOS;
            case "ovmf" -> GuestPlatform.Firmware.OVMF;
            default -> throw top.error("firmware", "must be \"seabios\" or \"ovmf\", not '" + f + "'", null);
        }).orElse(GuestPlatform.Firmware.SEABIOS);
        if (file.isPresent() && kind != GuestPlatform.Firmware.OVMF) {
            throw top.error("firmware_file", "is the OVMF image and needs firmware = \"ovmf\"", "add firmware = \"ovmf\" or remove firmware_file");
        }
        if (kind == GuestPlatform.Firmware.OVMF && file.isEmpty()) {
            file = Optional.of(GuestPlatform.DEFAULT_OVMF);
        }
        Optional<Integer> bits = top.integer("phys_bits", GuestPlatform.MIN_PHYS_BITS, GuestPlatform.MAX_PHYS_BITS);
        return new GuestPlatform(kind, file, bits.map(OptionalInt::of).orElse(OptionalInt.empty()));
    }
}
