package dev.hostdev.engine.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.jna.LastErrorException;
import dev.hostdev.engine.sysfs.Errno;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one native seam: the libc mapping answers as the C library does, errno named by jna-platform. */
class PosixTest {
    @TempDir
    Path dir;

    @Test
    void theEffectiveUidReadFromProcIsTheOneTheCLibraryGives() {
        assertEquals(LibC.geteuid(), Posix.effectiveUid());
    }

    @Test
    void errnoNamesComeFromJnaPlatformAndDescriptionsFromStrerror() {
        assertEquals("ENODEV", Errno.name(Errno.ENODEV));
        assertEquals("EAGAIN", Errno.name(11), "the first name, not the alias EWOULDBLOCK");
        assertEquals("ELOOP", Errno.name(Errno.ELOOP));
        assertEquals("errno 9999", Errno.name(9999));
        assertEquals("No such device", Errno.describe(Errno.ENODEV));
        assertEquals("Device or resource busy", Errno.describe(Errno.EBUSY));
    }

    @Test
    void aPrivateFileIsCreated0600AndNeverOpenedThroughALink() throws Exception {
        Path f = dir.resolve("lock");
        Posix.closeQuietly(Posix.openPrivateFile(f));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Path link = Files.createSymbolicLink(dir.resolve("link"), f);
        LastErrorException e = assertThrows(LastErrorException.class, () -> Posix.openPrivateFile(link));
        assertEquals(Errno.ELOOP, e.getErrorCode());
    }
}
