package dev.hostdev.engine.state;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes and deletes state files so that a crash at any instant leaves either the old or the new
 * content, never a torn file: write a temporary file in the same directory, fsync it, rename it over
 * the target, fsync the directory (the rename is durable only once the directory is).
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** Replaces {@code target} with {@code content} atomically and durably, creating its directory. */
    public static void write(Path target, byte[] content) {
        Path dir = target.getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid());
        try {
            Files.createDirectories(dir);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("cannot rename atomically in " + dir, e);
            }
            syncDirectory(dir);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // The write already failed; that error is the one to report.
            }
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot write state file " + target + ": " + e.getMessage(),
                    "Hostdev keeps its journal under /run/hostdev: check that it is writable (run as root)", e);
        }
    }

    /** Deletes {@code target} if present and makes the deletion durable. */
    public static void delete(Path target) {
        try {
            if (Files.deleteIfExists(target)) {
                syncDirectory(target.getParent());
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot delete state file " + target + ": " + e.getMessage(),
                    "check that /run/hostdev is writable (run as root)", e);
        }
    }

    /** fsync of a directory, so that entries created, renamed or removed in it survive a crash. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
