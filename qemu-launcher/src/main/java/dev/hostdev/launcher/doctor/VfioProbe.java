package dev.hostdev.launcher.doctor;

import java.nio.file.Path;

/**
 * Asks the VFIO container device what it supports, with read-only ioctls. The real one uses JNA
 * ({@link NativeVfioProbe}); tests give canned answers.
 */
public interface VfioProbe {
    /** {@code VFIO_TYPE1v2_IOMMU}, the IOMMU model QEMU uses. */
    int TYPE1V2_IOMMU = 3;

    /** What the container answered. */
    sealed interface Answer permits Answer.Version, Answer.Error {
        /**
         * The container opened and answered.
         *
         * @param apiVersion    {@code VFIO_GET_API_VERSION}; the kernel's is 0
         * @param type1v2       whether {@code VFIO_CHECK_EXTENSION(VFIO_TYPE1v2_IOMMU)} is supported
         */
        record Version(int apiVersion, boolean type1v2) implements Answer {
        }

        /**
         * Opening or asking failed.
         *
         * @param step   what failed, e.g. {@code open} or {@code VFIO_GET_API_VERSION}
         * @param errno  the error number
         */
        record Error(String step, int errno) implements Answer {
        }
    }

    /** Opens the container node read-write (as QEMU does; this creates no state), asks, and closes it. */
    Answer probe(Path containerNode);
}
