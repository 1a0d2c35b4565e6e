package dev.hostdev.engine.sysfs;

import com.sun.jna.LastErrorException;
import dev.hostdev.engine.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes an attribute with one open/write/close through the C library, so that the errno the
 * kernel answers reaches the caller unchanged (Java's streams turn it into a message string). The
 * C library is loaded on the first write, so that read-only commands never load JNA's.
 */
public final class NativeAttributeWriter implements AttributeWriter {
    /**
     * Set by the test suites (surefire): a safety interlock so that no test, whatever path it gets
     * wrong, can write to the real /sys of the machine running it.
     */
    static final String FORBID_SYSTEM_WRITES = "hostdev.forbidSystemSysfsWrites";

    @Override
    public void write(Path attribute, String value) throws SysfsWriteException {
        if (Boolean.getBoolean(FORBID_SYSTEM_WRITES) && attribute.toAbsolutePath().normalize().startsWith("/sys")) {
            throw new IllegalStateException("refused a write of '" + value + "' to the real " + attribute
                    + " (" + FORBID_SYSTEM_WRITES + " is set: tests write to temporary trees only)");
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int fd;
        try {
            fd = Posix.openWriteOnly(attribute);
        } catch (LastErrorException e) {
            throw new SysfsWriteException(attribute.toString(), value, e.getErrorCode());
        }
        try {
            long written = Posix.write(fd, bytes);
            if (written != bytes.length) {
                throw new SysfsWriteException(attribute.toString(), value, Errno.EIO);
            }
        } catch (LastErrorException e) {
            throw new SysfsWriteException(attribute.toString(), value, e.getErrorCode());
        } finally {
            Posix.closeQuietly(fd); // the write's own answer is what matters; sysfs close() does not fail in practice
        }
    }
}
