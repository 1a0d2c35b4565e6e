package dev.hostdev.engine.state;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * flock(2) through the C library: all native calls of the state package. flock locks belong to the open
 * file, not the process, so (unlike Java's fcntl-based FileChannel locks) a second open of the same file in
 * one JVM conflicts as it would in another process, and closing some other descriptor of the file never
 * drops the lock. The kernel drops it when the process dies, which is what makes a crash safe.
 */
final class Flock {
    static final int EWOULDBLOCK = 11;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0x40;
    private static final int O_CLOEXEC = 0x80000;
    private static final int LOCK_EX = 2;
    private static final int LOCK_NB = 4;
    private static final int LOCK_UN = 8;

    interface LibC extends Library {
        int open(String path, int flags, int mode) throws LastErrorException;

        int flock(int fd, int operation) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    private Flock() {
    }

    /** Opens (creating, mode 0644) the lock file; returns the descriptor. */
    static int open(String path) {
        return Holder.LIBC.open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    }

    /** Takes the exclusive lock without waiting; false if another open file holds it. */
    static boolean tryLock(int fd) {
        try {
            Holder.LIBC.flock(fd, LOCK_EX | LOCK_NB);
            return true;
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EWOULDBLOCK) {
                return false;
            }
            throw e;
        }
    }

    /** Releases the lock and closes the descriptor. */
    static void unlockAndClose(int fd) {
        try {
            Holder.LIBC.flock(fd, LOCK_UN);
        } finally {
            Holder.LIBC.close(fd);
        }
    }

    /** Closes without unlocking explicitly (closing the last descriptor drops the lock anyway). */
    static void close(int fd) {
        Holder.LIBC.close(fd);
    }
}
