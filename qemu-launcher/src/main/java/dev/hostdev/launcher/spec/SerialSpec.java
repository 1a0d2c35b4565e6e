package dev.hostdev.launcher.spec;

import java.nio.file.Path;
import java.util.Objects;

/** Where the guest's first serial port goes ({@code serial} in the spec). */
public sealed interface SerialSpec {
    /** No serial port (the default). */
    record None() implements SerialSpec {
    }

    /** QEMU's standard input and output (for {@code --foreground}). */
    record Stdio() implements SerialSpec {
    }

    /**
     * Appended to a file.
     *
     * @param path absolute path of the log file
     */
    record ToFile(Path path) implements SerialSpec {
        /** Requires an absolute path. */
        public ToFile {
            if (!Objects.requireNonNull(path).isAbsolute()) {
                throw new IllegalArgumentException("serial file must be absolute: " + path);
            }
        }
    }

    /** Reads {@code none}, {@code stdio}, or a path (relative to {@code baseDir}). */
    static SerialSpec parse(String text, Path baseDir) {
        return switch (text) {
            case "none" -> new None();
            case "stdio" -> new Stdio();
            default -> new ToFile(baseDir.resolve(text).normalize());
        };
    }
}
