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

    /** {@code AF_UNIX}. */
    private static final int AF_UNIX = 1;
    /** {@code SOCK_DGRAM | SOCK_CLOEXEC}. */
    private static final int SOCK_DGRAM_CLOEXEC = 2 | 0x80000;
    /** {@code MSG_DONTWAIT}. */
    private static final int MSG_DONTWAIT = 0x40;
    /** {@code MSG_NOSIGNAL}. */
    private static final int MSG_NOSIGNAL = 0x4000;
    /** The size of {@code sun_path} in {@code struct sockaddr_un}. */
    private static final int SUN_PATH_SIZE = 108;

    /**
     * A datagram {@code AF_UNIX} socket (close-on-exec), the kind a service manager's notification socket is:
     * Java 17's channels have no datagram Unix sockets.
     */
    public static int unixDatagramSocket() {
        return LibC.socket(AF_UNIX, SOCK_DGRAM_CLOEXEC, 0);
    }

    /** bind(2) of a datagram Unix socket to a name: a path, or an abstract name written {@code @name}. */
    public static void bindUnix(int fd, String name) {
        byte[] addr = unixAddress(name);
        LibC.bind(fd, addr, addr.length);
    }

    /** One sendto(2) of a datagram to a Unix socket named as for {@link #bindUnix}; returns the bytes sent. */
    public static long sendToUnix(int fd, byte[] message, String name) {
        byte[] addr = unixAddress(name);
        return LibC.sendto(fd, message, new NativeLong(message.length), MSG_NOSIGNAL, addr, addr.length).longValue();
    }

    /**
     * One recv(2) that does not wait: the length of the datagram read into {@code buf}, or -1 when none is
     * waiting ({@code EAGAIN}).
     */
    public static int receiveNow(int fd, byte[] buf) {
        try {
            return (int) LibC.recv(fd, buf, new NativeLong(buf.length), MSG_DONTWAIT).longValue();
        } catch (LastErrorException e) {
            if (e.getErrorCode() == com.sun.jna.platform.linux.ErrNo.EAGAIN) {
                return -1;
            }
            throw e;
        }
    }

    /**
     * {@code struct sockaddr_un} for a name, trimmed to its used length as the kernel takes it: a path
     * (NUL-terminated), or, for a name starting with {@code @}, an abstract name (a leading NUL byte instead
     * of the {@code @}, no terminator: its length is part of the name).
     *
     * @throws IllegalArgumentException when the name is empty, too long for {@code sun_path} or has a NUL byte
     */
    static byte[] unixAddress(String name) {
        byte[] path = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        boolean isAbstract = name.startsWith("@");
        int used = isAbstract ? path.length : path.length + 1;
        if (path.length == 0 || (isAbstract && path.length == 1) || used > SUN_PATH_SIZE) {
            throw new IllegalArgumentException("not a usable Unix socket name (empty, or longer than "
                    + (SUN_PATH_SIZE - 1) + " bytes): " + name);
        }
        for (byte b : path) {
            if (b == 0) {
                throw new IllegalArgumentException("a Unix socket name with a NUL byte: " + name.replace('\0', '?'));
            }
        }
        byte[] addr = new byte[2 + used];
        addr[java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN ? 0 : 1] = (byte) AF_UNIX; // sa_family_t
        System.arraycopy(path, 0, addr, 2, path.length);
        if (isAbstract) {
            addr[2] = 0;
        }
        return addr;
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
