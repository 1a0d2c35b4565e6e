package dev.hostdev.engine.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * Every C library call Hostdev makes, in one mapping: the engine's sysfs writes, locks and interface
 * query, the launcher's VFIO probe and its service-manager notifications all go through {@link Posix}, which wraps this. JNA's direct
 * mapping (a lock is taken on every hotplug: a call costs a fraction of a microsecond instead of the
 * few an interface proxy costs). Registered on first use, so that commands that never make a native
 * call never load JNA's library.
 */
final class LibC {
    /** The directories JNA searches when none are given; given, JNA skips running {@code ldconfig -p} to find more. */
    private static final String LIBRARY_DIRS_PROPERTY = "jna.platform.library.path";

    static {
        if (System.getProperty(LIBRARY_DIRS_PROPERTY) == null) {
            // "c" is found as libc.so.6 by the dynamic linker: the directories are only JNA's fallback. Without them,
            // JNA starts a process (/sbin/ldconfig -p) in every command that takes a lock.
            String triplet = "aarch64".equals(System.getProperty("os.arch")) ? "aarch64-linux-gnu" : "x86_64-linux-gnu";
            System.setProperty(LIBRARY_DIRS_PROPERTY, String.join(java.io.File.pathSeparator,
                    "/usr/lib/" + triplet, "/lib/" + triplet, "/usr/lib64", "/lib64", "/usr/lib", "/lib"));
        }
        Native.register("c");
    }

    private LibC() {
    }

    static native int open(String path, int flags, int mode) throws LastErrorException;

    static native NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    static native NativeLong pwrite(int fd, byte[] buf, NativeLong count, long offset) throws LastErrorException;

    static native int ftruncate(int fd, long length) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int flock(int fd, int operation) throws LastErrorException;

    static native int ioctl(int fd, NativeLong request, NativeLong arg) throws LastErrorException;

    static native int ioctl(int fd, NativeLong request, Pointer argp) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int sched_setaffinity(int pid, NativeLong cpusetsize, byte[] mask) throws LastErrorException;

    static native int sched_getaffinity(int pid, NativeLong cpusetsize, byte[] mask) throws LastErrorException;

    static native int bind(int fd, byte[] addr, int addrlen) throws LastErrorException;

    static native NativeLong sendto(int fd, byte[] buf, NativeLong len, int flags, byte[] addr, int addrlen) throws LastErrorException;

    static native NativeLong recv(int fd, byte[] buf, NativeLong len, int flags) throws LastErrorException;

    static native int geteuid();

    static native String strerror(int errnum);
}
