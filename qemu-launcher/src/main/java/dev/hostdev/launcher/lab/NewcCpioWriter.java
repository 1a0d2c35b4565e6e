package dev.hostdev.launcher.lab;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a cpio archive in the "newc" format the kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header per entry,
 * the name, and the data, each padded to 4 bytes; closed by a {@code TRAILER!!!} entry.
 * Only what an initramfs needs: directories, regular files, symbolic links and device nodes.
 */
public final class NewcCpioWriter implements AutoCloseable {
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFCHR = 0020000;

    private final OutputStream out;
    private final Set<String> names = new HashSet<>();
    private long written;
    private int nextInode = 1;
    private boolean closed;

    /** Writes to {@code out}; {@link #close()} writes the trailer and closes it. */
    public NewcCpioWriter(OutputStream out) {
        this.out = out;
    }

    /** A directory, e.g. {@code "bin"} (names are relative, without a leading slash). */
    public void directory(String name, int permissions) throws IOException {
        entry(name, S_IFDIR | permissions, 2, 0, 0, new byte[0]);
    }

    /** A regular file with the given contents. */
    public void file(String name, int permissions, byte[] contents) throws IOException {
        entry(name, S_IFREG | permissions, 1, 0, 0, contents);
    }

    /** A symbolic link {@code name -> target}. */
    public void symlink(String name, String target) throws IOException {
        entry(name, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
    }

    /** A character device node, e.g. {@code dev/console} 5:1. */
    public void characterDevice(String name, int permissions, int major, int minor) throws IOException {
        entry(name, S_IFCHR | permissions, 1, major, minor, new byte[0]);
    }

    private void entry(String name, int mode, int links, int rdevMajor, int rdevMinor, byte[] data)
            throws IOException {
        if (closed) {
            throw new IllegalStateException("archive already closed");
        }
        if (name.isEmpty() || name.startsWith("/") || name.contains("\0") || name.contains("..")) {
            throw new IllegalArgumentException("bad cpio entry name: " + name);
        }
        if (!names.add(name)) {
            throw new IllegalArgumentException("duplicate cpio entry: " + name);
        }
        writeEntry(name, nextInode++, mode, links, rdevMajor, rdevMinor, data);
    }

    private void writeEntry(String name, int inode, int mode, int links, int rdevMajor, int rdevMinor,
            byte[] data) throws IOException {
        byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(110).append("070701");
        for (long field : new long[] {inode, mode, 0, 0, links, 0, data.length, 0, 0, rdevMajor, rdevMinor,
                nameBytes.length, 0}) {
            h.append(String.format("%08x", field));
        }
        write(h.toString().getBytes(StandardCharsets.US_ASCII));
        write(nameBytes);
        pad();
        write(data);
        pad();
    }

    private void write(byte[] bytes) throws IOException {
        out.write(bytes);
        written += bytes.length;
    }

    private void pad() throws IOException {
        while (written % 4 != 0) {
            out.write(0);
            written++;
        }
    }

    /** Writes the trailer and closes the stream. */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        writeEntry("TRAILER!!!", 0, 0, 1, 0, 0, new byte[0]);
        closed = true;
        out.close();
    }
}
