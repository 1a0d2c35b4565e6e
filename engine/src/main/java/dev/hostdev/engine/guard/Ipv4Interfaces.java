package dev.hostdev.engine.guard;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import dev.hostdev.engine.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * The network interfaces of this machine that have an IPv4 address. Linux shows IPv4 addresses
 * nowhere in /proc or /sys by interface (an address with a prefix route appears in
 * {@code /proc/net/route}, but a {@code /32} one, such as a keepalived address, does not), so they are
 * asked for with the {@code SIOCGIFCONF} ioctl, which only reads.
 */
final class Ipv4Interfaces {
    private static final int AF_INET = 2;
    private static final int SOCK_DGRAM = 2;
    private static final long SIOCGIFCONF = 0x8912;
    /** {@code sizeof(struct ifreq)} on 64-bit Linux: a 16-byte name and a 24-byte union. */
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;

    private Ipv4Interfaces() {
    }

    /**
     * The names of this machine's interfaces with an IPv4 address (an alias label {@code eth0:1} is
     * given as {@code eth0}); empty when they cannot be asked for (not 64-bit, no libc through JNA).
     */
    static Set<String> ofThisHost() {
        if (Native.POINTER_SIZE != 8) {
            return Set.of();
        }
        try {
            return query();
        } catch (LastErrorException | LinkageError e) {
            return Set.of();
        }
    }

    private static Set<String> query() {
        int fd = Posix.socket(AF_INET, SOCK_DGRAM, 0);
        try {
            for (int slots = 64; ; slots *= 4) {
                Memory buf = new Memory((long) slots * IFREQ_SIZE);
                buf.clear();
                Memory ifconf = new Memory(16); // int ifc_len; (4 bytes of padding); char *ifc_buf
                ifconf.setInt(0, (int) buf.size());
                ifconf.setPointer(8, buf);
                Posix.ioctl(fd, SIOCGIFCONF, ifconf);
                int used = ifconf.getInt(0);
                // a full buffer may have been too small: ask again with a bigger one
                if (used + IFREQ_SIZE <= buf.size() || slots >= 16384) {
                    return names(buf, used / IFREQ_SIZE);
                }
            }
        } finally {
            Posix.closeQuietly(fd);
        }
    }

    private static Set<String> names(Memory buf, int count) {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < count; i++) {
            byte[] raw = buf.getByteArray((long) i * IFREQ_SIZE, IFNAMSIZ);
            int len = 0;
            while (len < raw.length && raw[len] != 0) {
                len++;
            }
            String name = new String(raw, 0, len, StandardCharsets.US_ASCII);
            int colon = name.indexOf(':');
            names.add(colon >= 0 ? name.substring(0, colon) : name);
        }
        return names;
    }
}
