package dev.hostdev.launcher.doctor;

import com.sun.jna.LastErrorException;
import dev.hostdev.engine.posix.Posix;
import java.nio.file.Path;

/**
 * {@link VfioProbe} through the C library (the engine's one native seam, {@link Posix}). Both ioctls are queries: an open container with no
 * group attached holds nothing and is gone when the descriptor is closed.
 */
public final class NativeVfioProbe implements VfioProbe {
    /** {@code _IO(VFIO_TYPE, VFIO_BASE + 0)} with VFIO_TYPE ';' and VFIO_BASE 100. */
    static final long VFIO_GET_API_VERSION = 0x3B64;
    /** {@code _IO(VFIO_TYPE, VFIO_BASE + 1)}. */
    static final long VFIO_CHECK_EXTENSION = 0x3B65;

    @Override
    public Answer probe(Path containerNode) {
        int fd;
        try {
            fd = Posix.openReadWrite(containerNode);
        } catch (LastErrorException e) {
            return new Answer.Error("open", e.getErrorCode());
        }
        try {
            int version;
            try {
                version = Posix.ioctl(fd, VFIO_GET_API_VERSION, 0);
            } catch (LastErrorException e) {
                return new Answer.Error("VFIO_GET_API_VERSION", e.getErrorCode());
            }
            boolean type1v2;
            try {
                type1v2 = Posix.ioctl(fd, VFIO_CHECK_EXTENSION, TYPE1V2_IOMMU) > 0;
            } catch (LastErrorException e) {
                return new Answer.Error("VFIO_CHECK_EXTENSION", e.getErrorCode());
            }
            return new Answer.Version(version, type1v2);
        } finally {
            Posix.closeQuietly(fd); // nothing was changed through this descriptor; a failing close changes nothing
        }
    }
}
