package dev.hostdev.engine.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.platform.linux.Fcntl;
import java.nio.file.Path;

/**
 * Hostdev's one native seam: the few system calls Java's standard library does not give with their
 * errno intact (a sysfs write is one {@code write()} whose errno is the kernel's answer), {@code flock}
 * (see {@link FileLock}), {@code ioctl}s, and the effective uid. Flags and errno values come from
 * jna-platform ({@link Fcntl}, {@link com.sun.jna.platform.linux.ErrNo}). A failing call throws JNA's
 * {@link LastErrorException}, whose {@link LastErrorException#getErrorCode()} is the errno;
 * {@link dev.hostdev.engine.sysfs.Errno} names it.
 */
public final class Posix {
    /** {@code flock} operations. */
    public static final int LOCK_EX = 2;
    public static final int LOCK_NB = 4;
    public static final int LOCK_UN = 8;

    private Posix() {
    }

    /** open(2) of a path for writing only, no file created (a sysfs attribute). */
    public static int openWriteOnly(Path path) {
        return LibC.open(path.toString(), Fcntl.O_WRONLY | Fcntl.O_CLOEXEC, 0);
    }

    /** open(2) for reading and writing (a device node such as {@code /dev/vfio/vfio}), no file created. */
    public static int openReadWrite(Path path) {
        return LibC.open(path.toString(), Fcntl.O_RDWR | Fcntl.O_CLOEXEC, 0);
    }

    /**
     * open(2) of a file Hostdev keeps (a lock file): created with mode 0600 if absent, never through a
     * symbolic link ({@code O_NOFOLLOW}: a link gives {@code ELOOP}), never a FIFO that would block.
     */
    public static int openPrivateFile(Path path) {
        return LibC.open(path.toString(),
                Fcntl.O_RDWR | Fcntl.O_CREAT | Fcntl.O_NOFOLLOW | Fcntl.O_NONBLOCK | Fcntl.O_CLOEXEC, 0600);
    }

    /** One write(2); returns how many bytes were written. */
    public static long write(int fd, byte[] bytes) {
        return LibC.write(fd, bytes, new NativeLong(bytes.length)).longValue();
    }

    /** Replaces the content of an open file with a few bytes (a lock holder's pid and purpose). */
    public static void replaceContent(int fd, byte[] bytes) {
        LibC.ftruncate(fd, 0);
        long written = LibC.pwrite(fd, bytes, new NativeLong(bytes.length), 0).longValue();
        if (written != bytes.length) {
            throw new LastErrorException(com.sun.jna.platform.linux.ErrNo.EIO);
        }
    }

    /** close(2); a failure is ignored (the descriptor is gone either way on Linux). */
    public static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException ignored) {
            // Linux releases the descriptor even when close reports an error
        }
    }

    /** flock(2). */
    public static void flock(int fd, int operation) {
        LibC.flock(fd, operation);
    }

    /** ioctl(2) with an integer argument; returns its result. */
    public static int ioctl(int fd, long request, long arg) {
        return LibC.ioctl(fd, new NativeLong(request), new NativeLong(arg));
    }

    /** ioctl(2) with a pointer argument; returns its result. */
    public static int ioctl(int fd, long request, Pointer argp) {
        return LibC.ioctl(fd, new NativeLong(request), argp);
    }

    /** socket(2). */
    public static int socket(int domain, int type, int protocol) {
        return LibC.socket(domain, type, protocol);
    }

    /** Bytes of a CPU mask: room for 8192 CPUs (the kernel's largest NR_CPUS on x86-64), a whole number of longs. */
    private static final int CPU_MASK_BYTES = 1024;

    /**
     * sched_setaffinity(2) of one thread (a task id from {@code /proc/PID/task}, or a vCPU's thread id).
     *
     * @param cpus CPU numbers, each below 8192
     */
    public static void setAffinity(int tid, java.util.Collection<Integer> cpus) {
        byte[] mask = new byte[CPU_MASK_BYTES];
        for (int cpu : cpus) {
            if (cpu < 0 || cpu >= CPU_MASK_BYTES * 8) {
                throw new IllegalArgumentException("CPU " + cpu + " out of range");
            }
            mask[cpu / 8] |= (byte) (1 << (cpu % 8));
        }
        LibC.sched_setaffinity(tid, new NativeLong(mask.length), mask);
    }

    /** sched_getaffinity(2) of one thread: the CPUs it may run on, ascending. */
    public static java.util.List<Integer> affinity(int tid) {
        byte[] mask = new byte[CPU_MASK_BYTES];
        LibC.sched_getaffinity(tid, new NativeLong(mask.length), mask);
        java.util.List<Integer> cpus = new java.util.ArrayList<>();
        for (int i = 0; i < mask.length * 8; i++) {
            if ((mask[i / 8] & (1 << (i % 8))) != 0) {
                cpus.add(i);
            }
        }
        return cpus;
    }

    /** The effective uid of this process: the user whose files Hostdev trusts, with root's. */
    public static int effectiveUid() {
        return EffectiveUid.VALUE;
    }

    /** The C library's description of an errno value, e.g. "No such device". */
    public static String strerror(int errno) {
        return LibC.strerror(errno);
    }

    /**
     * Asked once: a process's effective uid does not change under Hostdev. Read from
     * {@code /proc/self/status} (its second {@code Uid:} field), so that commands that only read state
     * ({@code vm list}) check its owner without loading JNA's native library; geteuid(2) if that fails.
     */
    private static final class EffectiveUid {
        static final int VALUE = read();

        private static int read() {
            try {
                for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("Uid:")) {
                        return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                // no /proc: ask the C library
            }
            return LibC.geteuid();
        }
    }
}
