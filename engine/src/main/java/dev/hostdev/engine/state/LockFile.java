package dev.hostdev.engine.state;

import com.sun.jna.LastErrorException;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.posix.Posix;
import dev.hostdev.engine.sysfs.Errno;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Hostdev's one lock primitive: {@code flock(2)} on a file in a trusted state directory, used by the
 * device locks, the VM lock and so the journal's writers. flock locks belong to the open file, not the
 * process, so (unlike Java's fcntl-based {@link java.nio.channels.FileLock}) a second open of the same
 * file in one JVM conflicts as it would in another process, and closing some other descriptor of the
 * file never drops the lock. The kernel drops it when the process dies, which is what makes a crash
 * safe. The file is created 0600, never opened through a symbolic link, and refused if it breaks
 * {@link TrustRules}; it stays when the lock is released (deleting it would let two processes lock two files).
 */
public final class LockFile implements AutoCloseable {
    private static final long MAX_POLL_NANOS = Duration.ofMillis(20).toNanos();

    private final Path path;
    private int fd;

    private LockFile(Path path, int fd) {
        this.path = path;
        this.fd = fd;
    }

    /**
     * Takes the exclusive lock without waiting.
     *
     * @return the held lock, or empty when another open file holds it
     * @throws HostdevException ENVIRONMENT if the file cannot be opened or breaks the trust rules
     */
    public static Optional<LockFile> tryLock(Path file) {
        TrustRules.trustedFile(file);
        int fd;
        try {
            fd = Posix.openPrivateFile(file);
        } catch (LastErrorException e) {
            throw cannotOpen(file, e.getErrorCode(), e);
        }
        try {
            Posix.flock(fd, Posix.LOCK_EX | Posix.LOCK_NB);
            return Optional.of(new LockFile(file, fd));
        } catch (LastErrorException e) {
            Posix.closeQuietly(fd);
            if (e.getErrorCode() == Errno.EAGAIN) {
                return Optional.empty();
            }
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot lock " + file + ": " + Errno.describe(e.getErrorCode()), null, e);
        }
    }

    /**
     * Takes the exclusive lock, waiting up to {@code wait} for another holder to release it.
     *
     * @return the held lock, or empty when it was held all along
     */
    public static Optional<LockFile> lock(Path file, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        long pause = Duration.ofMillis(1).toNanos();
        while (true) {
            Optional<LockFile> l = tryLock(file);
            if (l.isPresent() || System.nanoTime() - deadline > 0) {
                return l;
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(pause);
            pause = Math.min(pause * 2, MAX_POLL_NANOS);
        }
    }

    /** The lock file. */
    public Path path() {
        return path;
    }

    /** Writes who holds the lock into the file (for a process refused it), through the locked descriptor. */
    public void describeHolder(String text) {
        try {
            Posix.replaceContent(fd, text.getBytes(StandardCharsets.UTF_8));
        } catch (LastErrorException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot write " + path + ": " + Errno.describe(e.getErrorCode()), null, e);
        }
    }

    /** Releases the lock and closes the file (idempotent). */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            try {
                Posix.flock(fd, Posix.LOCK_UN);
            } catch (LastErrorException ignored) {
                // closing the descriptor drops the lock anyway
            } finally {
                Posix.closeQuietly(fd);
                fd = -1;
            }
        }
    }

    private static HostdevException cannotOpen(Path file, int errno, Throwable cause) {
        if (errno == Errno.ELOOP) {
            return new HostdevException(ErrorCode.ENVIRONMENT, "refused " + file + ": it is a symbolic link; Hostdev never follows"
                    + " links in its state directories", "remove the link (rm " + file + "); Hostdev creates the lock file itself", cause);
        }
        return new HostdevException(ErrorCode.ENVIRONMENT, "cannot lock " + file + ": " + Errno.describe(errno),
                "run as root, or check that " + file.getParent() + " is writable", cause);
    }
}
