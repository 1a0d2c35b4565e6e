package dev.hostdev.launcher.spec;

import dev.hostdev.engine.HostdevException;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;

/** Test helpers: parse spec text as if it were /specs/vm.toml. */
public final class Specs {
    /** The directory test specs pretend to live in. */
    public static final Path DIR = Path.of("/specs");

    private Specs() {
    }

    /** Parses spec text (file name vm.toml in /specs). */
    public static VmSpec parse(String text) {
        return VmSpecLoader.parse(text, "vm.toml", DIR);
    }

    /** Parses text that must fail; returns the error. */
    public static HostdevException error(String text) {
        return Assertions.assertThrows(HostdevException.class, () -> parse(text));
    }
}
