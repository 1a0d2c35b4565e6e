package dev.hostdev.launcher.spec;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Checks a {@code romfile} before QEMU gets it: a regular file (a FIFO or device would hang or feed QEMU
 * anything), readable, and starting with the PCI expansion ROM signature {@code 0x55 0xAA}. The file is
 * untrusted input: only its first two bytes are read, and nothing of it is printed but its size.
 */
public final class RomFile {
    /** The PCI expansion ROM signature, byte 0 and 1. */
    static final int SIG0 = 0x55, SIG1 = 0xAA;

    private RomFile() {
    }

    /**
     * @param hostdev the hostdev it is for, named in errors ({@code [[hostdev]] at FILE:LINE})
     * @throws HostdevException not_found if absent, usage if not a regular file or without the signature,
     *                          environment if unreadable
     */
    public static void check(Path file, String hostdev) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw HostdevException.notFound("the romfile " + file + " of " + hostdev + " does not exist",
                    "give the path of a ROM image (e.g. one dumped from the card's sysfs 'rom'), or remove romfile");
        }
        if (!attrs.isRegularFile()) {
            throw HostdevException.usage("the romfile " + file + " of " + hostdev + " is not a regular file",
                    "give the path of a ROM image file");
        }
        byte[] head = new byte[2];
        int n;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            n = in.readNBytes(head, 0, 2);
        } catch (IOException e) {
            // NOFOLLOW_LINKS refuses a symbolic link only as the last part; a link is fine if its target is
            // a regular file, which readAttributes (following links) checked: read it through the link then.
            try (InputStream in = Files.newInputStream(file)) {
                n = in.readNBytes(head, 0, 2);
            } catch (IOException again) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot read the romfile " + file + " of " + hostdev + ": "
                        + (again.getMessage() == null ? again.getClass().getSimpleName() : again.getMessage()),
                        "make it readable by the user running hostdev (and QEMU), e.g. chmod 0644");
            }
        }
        if (n < 2 || (head[0] & 0xff) != SIG0 || (head[1] & 0xff) != SIG1) {
            String found = n < 2 ? attrs.size() + " bytes long" : String.format("starts with 0x%02X%02X", head[0] & 0xff, head[1] & 0xff);
            throw HostdevException.usage("the romfile " + file + " of " + hostdev + " is not a PCI option ROM: it " + found
                    + ", not the signature 0x55AA", "give a ROM image (a file starting with bytes 55 AA), not a firmware update package or a text file");
        }
    }
}
