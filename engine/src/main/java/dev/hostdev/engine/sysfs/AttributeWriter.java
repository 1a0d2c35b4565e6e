package dev.hostdev.engine.sysfs;

import java.nio.file.Path;

/**
 * Writes one value to one sysfs attribute, the way the kernel sees it: a single write() whose errno
 * is the answer. The real implementation is {@link NativeAttributeWriter}; tests substitute a
 * simulated kernel that gives the same answers on a tree in a temporary directory.
 */
@FunctionalInterface
public interface AttributeWriter {
    /**
     * @param attribute the resolved path of the attribute, already checked to lie inside the root
     * @param value     the bytes to write, without a trailing newline
     * @throws SysfsWriteException with the errno the kernel answered
     */
    void write(Path attribute, String value) throws SysfsWriteException;
}
