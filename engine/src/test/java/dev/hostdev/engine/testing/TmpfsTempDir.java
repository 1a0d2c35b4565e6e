package dev.hostdev.engine.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AnnotatedElementContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDirFactory;

/**
 * Puts a {@code @TempDir} on tmpfs ({@code /dev/shm}) when there is one: Hostdev's state lives on tmpfs
 * ({@code /run}) on a real host, and the journal's fsyncs on a disk-backed {@code /tmp} would make tests
 * that loop over every step of an operation take tens of seconds. Use with
 * {@code @TempDir(factory = TmpfsTempDir.class)}.
 */
public final class TmpfsTempDir implements TempDirFactory {
    @Override
    public Path createTempDirectory(AnnotatedElementContext element, ExtensionContext context) throws IOException {
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return Files.createTempDirectory(shm, "hostdev-test-");
        }
        return Files.createTempDirectory("hostdev-test-");
    }
}
