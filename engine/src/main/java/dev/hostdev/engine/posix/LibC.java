package dev.hostdev.engine.posix;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * Every C library call Hostdev makes, in one mapping: the engine's sysfs writes, locks and interface
 * query, and the launcher's VFIO probe all go through {@link Posix}, which wraps this. Loaded on first
 * use, so that commands that never make a native call never load JNA's library.
 */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int open(String path, int flags, int mode) throws LastErrorException;

    NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    NativeLong pwrite(int fd, byte[] buf, NativeLong count, long offset) throws LastErrorException;

    int ftruncate(int fd, long length) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int flock(int fd, int operation) throws LastErrorException;

    int ioctl(int fd, NativeLong request, NativeLong arg) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer argp) throws LastErrorException;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int geteuid();

    String strerror(int errnum);
}
