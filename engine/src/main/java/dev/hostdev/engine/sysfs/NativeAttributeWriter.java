package dev.hostdev.engine.sysfs;

import com.sun.jna.Library;
import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes an attribute with one open/write/close through the C library, so that the errno the
 * kernel answers reaches the caller unchanged (Java's streams turn it into a message string).
 */
public final class NativeAttributeWriter implements AttributeWriter {
    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;

    /** The few libc calls used; loaded on first write so that read-only commands never load JNA. */
    interface LibC extends Library {
        int open(String path, int flags) throws LastErrorException;

        long write(int fd, byte[] buf, long count) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static final class Holder {
        static final LibC LIBC = Native.load("c", LibC.class);
    }

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
        LibC libc = Holder.LIBC;
        int fd;
        try {
            fd = libc.open(attribute.toString(), O_WRONLY | O_CLOEXEC);
        } catch (LastErrorException e) {
            throw new SysfsWriteException(attribute.toString(), value, e.getErrorCode());
        }
        try {
            long written = libc.write(fd, bytes, bytes.length);
            if (written != bytes.length) {
                throw new SysfsWriteException(attribute.toString(), value, Errno.EIO);
            }
        } catch (LastErrorException e) {
            throw new SysfsWriteException(attribute.toString(), value, e.getErrorCode());
        } finally {
            try {
                libc.close(fd);
            } catch (LastErrorException ignored) {
                // The write's own answer is what matters; sysfs close() does not fail in practice.
            }
        }
    }
}
