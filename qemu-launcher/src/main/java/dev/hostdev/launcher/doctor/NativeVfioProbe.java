package dev.hostdev.launcher.doctor;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.file.Path;

/**
 * {@link VfioProbe} through the C library. Both ioctls are queries: an open container with no
 * group attached holds nothing and is gone when the descriptor is closed.
 */
public final class NativeVfioProbe implements VfioProbe {
    /** {@code _IO(VFIO_TYPE, VFIO_BASE + 0)} with VFIO_TYPE ';' and VFIO_BASE 100. */
    static final long VFIO_GET_API_VERSION = 0x3B64;
    /** {@code _IO(VFIO_TYPE, VFIO_BASE + 1)}. */
    static final long VFIO_CHECK_EXTENSION = 0x3B65;
    private static final int O_RDWR = 2;
    private static final int O_CLOEXEC = 0x80000;

    /** The libc calls used, loaded only when the probe runs. */
    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, NativeLong arg) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

    @Override
    public Answer probe(Path containerNode) {
        LibC libc = Holder.LIBC;
        int fd;
        try {
            fd = libc.open(containerNode.toString(), O_RDWR | O_CLOEXEC);
        } catch (LastErrorException e) {
            return new Answer.Error("open", e.getErrorCode());
        }
        try {
            int version;
            try {
                version = libc.ioctl(fd, new NativeLong(VFIO_GET_API_VERSION), new NativeLong(0));
            } catch (LastErrorException e) {
                return new Answer.Error("VFIO_GET_API_VERSION", e.getErrorCode());
            }
            boolean type1v2;
            try {
                type1v2 = libc.ioctl(fd, new NativeLong(VFIO_CHECK_EXTENSION), new NativeLong(TYPE1V2_IOMMU)) > 0;
            } catch (LastErrorException e) {
                return new Answer.Error("VFIO_CHECK_EXTENSION", e.getErrorCode());
            }
            return new Answer.Version(version, type1v2);
        } finally {
            try {
                libc.close(fd);
            } catch (LastErrorException ignored) {
                // Nothing was changed through this descriptor; a failing close changes nothing.
            }
        }
    }
}
