package dev.hostdev.engine.state;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Hostdev's one way to replace a file it keeps, so that a reader (or a crash at any instant) sees
 * either the old or the new content, never a torn file: a new file (mode 0600, created without
 * following links, {@code O_EXCL}) is written in the same directory and renamed over the target. A
 * durable write also fsyncs the file and then the directory (the rename is durable only once the
 * directory is): the journal and device records need that; a VM's {@code state.json} under
 * {@code /run} does not (a host that crashes takes its VMs with it). The directory must already be
 * trusted ({@link TrustRules}); an existing target that breaks the rules (a link, another owner) is refused.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** Replaces {@code target} with {@code content} atomically and durably; its directory must exist. */
    public static void write(Path target, byte[] content) {
        try (Staged s = stage(target, content, true)) {
            s.commit();
        }
    }

    /**
     * Writes {@code content} beside {@code target} without replacing it: {@link Staged#commit} then puts
     * it in place with one rename; closing it uncommitted removes it. A caller that waits for something
     * else anyway (QEMU confirming a hotplug) writes meanwhile and commits once it is confirmed.
     *
     * @param durable fsync the file before the rename and the directory after it
     */
    public static Staged stage(Path target, byte[] content, boolean durable) {
        TrustRules.trustedFile(target);
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp-" + ProcessHandle.current().pid() + "-"
                + Thread.currentThread().getId());
        try {
            Files.deleteIfExists(tmp); // left by a crash of a process that had this pid: never followed, only removed
            try (SeekableByteChannel ch = TrustRules.createNew(tmp)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (durable) {
                    ((FileChannel) ch).force(true);
                }
            }
            return new Staged(target, tmp, durable);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw cannotWrite(target, e);
        }
    }

    /** A new content written beside its target; see {@link #stage}. */
    public static final class Staged implements AutoCloseable {
        private final Path target;
        private final Path tmp;
        private final boolean durable;
        private boolean committed;

        private Staged(Path target, Path tmp, boolean durable) {
            this.target = target;
            this.tmp = tmp;
            this.durable = durable;
        }

        /** The new file, until committed (its inode, size and time are the target's once renamed). */
        public Path tempFile() {
            return tmp;
        }

        /** Puts the new content in place of the target with one rename. */
        public void commit() {
            try {
                TrustRules.trustedFile(target); // not replaced by something else meanwhile
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    throw new IOException("cannot rename atomically in " + target.getParent(), e);
                }
                committed = true;
                if (durable) {
                    syncDirectory(target.getParent());
                }
            } catch (IOException e) {
                throw cannotWrite(target, e);
            }
        }

        /** Removes the new file unless it was committed. */
        @Override
        public void close() {
            if (!committed) {
                deleteQuietly(tmp);
            }
        }
    }

    /** Deletes {@code target} if present and makes the deletion durable. A link is removed, never followed. */
    public static void delete(Path target) {
        try {
            if (Files.deleteIfExists(target)) {
                syncDirectory(target.getParent());
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot delete " + target + ": " + e.getMessage(),
                    "check that " + target.getParent() + " is writable (run as root)", e);
        }
    }

    /** fsync of a directory, so that entries created, renamed or removed in it survive a crash. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the write failed; that is the error to report
        }
    }

    private static HostdevException cannotWrite(Path target, IOException e) {
        return new HostdevException(ErrorCode.ENVIRONMENT, "cannot write " + target + ": " + e.getMessage(),
                "check that " + target.getParent() + " is writable (run as root)", e);
    }
}
