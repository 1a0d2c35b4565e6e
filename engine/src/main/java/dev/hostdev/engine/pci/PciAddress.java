package dev.hostdev.engine.pci;

import dev.hostdev.engine.HostdevException;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI address, domain:bus:slot.function. One parser accepts every spelling users meet:
 * {@code 03:07.0}, {@code 0000:03:07.0} (lspci, sysfs) and {@code pci_0000_03_07_0} (libvirt's
 * nodedev name).
 *
 * <p>The domain has 32 bits, as the kernel's: Intel VMD puts the NVMe drives behind it in domains
 * {@code 10000}, {@code 10001}…, which sysfs names {@code 10000:01:00.0} and libvirt
 * {@code pci_10000_01_00_0}. Printed, a domain has at least 4 hex digits and as many more as it needs
 * (the kernel's and {@code lspci -D}'s {@code %04x}).
 *
 * @param domain   0 to 0xffffffff
 * @param bus      0 to 0xff
 * @param slot     0 to 0x1f
 * @param function 0 to 7
 */
public record PciAddress(long domain, int bus, int slot, int function) implements Comparable<PciAddress> {
    /** The patterns, compiled on first use: listing sysfs names needs only {@link #fromSysfsName}. */
    private static final class Patterns {
        static final Pattern SYSFS = Pattern.compile(
                "(?:([0-9a-fA-F]{1,8}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-7])");
        static final Pattern NODEDEV = Pattern.compile(
                "pci_([0-9a-fA-F]{4,8})_([0-9a-fA-F]{2})_([0-9a-fA-F]{2})_([0-7])");
    }

    /** The largest domain: the kernel's domain number has 32 bits. */
    public static final long MAX_DOMAIN = 0xffff_ffffL;

    /** The largest domain QEMU's {@code vfio-pci host=} property takes (it checks {@code dom > 0xffff}). */
    public static final long MAX_SHORT_DOMAIN = 0xffff;

    /** Validates each field's range. */
    public PciAddress {
        if (domain < 0 || domain > MAX_DOMAIN || bus < 0 || bus > 0xff || slot < 0 || slot > 0x1f
                || function < 0 || function > 7) {
            throw HostdevException.usage(String.format(
                    "PCI address out of range: domain %x, bus %x, slot %x, function %x", domain, bus, slot, function),
                    "a PCI address is DDDD:BB:SS.F with a domain of up to 8 hex digits (ffffffff), bus up to ff, "
                            + "slot up to 1f and function up to 7");
        }
    }

    /**
     * Parses any accepted spelling.
     *
     * @throws HostdevException (usage) naming the accepted spellings
     */
    public static PciAddress parse(String text) {
        PciAddress address = tryParse(text);
        if (address == null) {
            throw HostdevException.usage("not a PCI address: '" + printable(text) + "'",
                    "write it as 03:07.0, 0000:03:07.0, 10000:01:00.0 or pci_0000_03_07_0");
        }
        return address;
    }

    /**
     * Parses a name exactly as sysfs writes it, {@code 0000:03:07.0} or {@code 10000:01:00.0} (lower-case
     * hex, a domain of 4 to 8 digits with no needless leading zero past the fourth), or returns
     * {@code null}: the quick parse for directory listings of thousands of devices.
     */
    public static PciAddress fromSysfsName(String name) {
        int n = name.length();
        int d = n - 8; // domain digits: the name ends in ":BB:SS.F", 8 characters
        if (d < 4 || d > 8 || name.charAt(d) != ':' || name.charAt(d + 3) != ':' || name.charAt(d + 6) != '.') {
            return null;
        }
        if (d > 4 && name.charAt(0) == '0') {
            return null; // the kernel's %04x never pads past 4 digits: not a name sysfs writes
        }
        long domain = hex(name, 0, d);
        long bus = hex(name, d + 1, d + 3);
        long slot = hex(name, d + 4, d + 6);
        int function = name.charAt(d + 7) - '0';
        if (domain < 0 || bus < 0 || slot < 0 || slot > 0x1f || function < 0 || function > 7) {
            return null;
        }
        return new PciAddress(domain, (int) bus, (int) slot, function);
    }

    private static long hex(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
            if (x < 0) {
                return -1;
            }
            v = v << 4 | x;
        }
        return v;
    }

    /** Parses any accepted spelling, or returns {@code null}. */
    public static PciAddress tryParse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        Matcher m = Patterns.SYSFS.matcher(t);
        if (m.matches()) {
            int slot = Integer.parseInt(m.group(3), 16);
            if (slot > 0x1f) {
                return null;
            }
            return new PciAddress(m.group(1) == null ? 0 : Long.parseLong(m.group(1), 16),
                    Integer.parseInt(m.group(2), 16), slot, Integer.parseInt(m.group(4)));
        }
        m = Patterns.NODEDEV.matcher(t);
        if (m.matches()) {
            int slot = Integer.parseInt(m.group(3), 16);
            if (slot > 0x1f) {
                return null;
            }
            return new PciAddress(Long.parseLong(m.group(1), 16), Integer.parseInt(m.group(2), 16),
                    slot, Integer.parseInt(m.group(4)));
        }
        return null;
    }

    /**
     * The sysfs spelling, {@code 0000:03:07.0} or {@code 10000:01:00.0}: also the directory name under
     * /sys/bus/pci/devices and what {@code lspci -D} prints.
     */
    @Override
    public String toString() {
        // Built by hand: a listing formats thousands of addresses, and String.format is slow to start.
        HexFormat hex = HexFormat.of();
        StringBuilder b = new StringBuilder(16);
        if (domain <= 0xffff) {
            b.append(hex.toHexDigits((short) domain));
        } else {
            b.append(Long.toHexString(domain));
        }
        return b.append(':').append(hex.toHexDigits((byte) bus)).append(':').append(hex.toHexDigits((byte) slot))
                .append('.').append((char) ('0' + function)).toString();
    }

    /** Whether QEMU's {@code vfio-pci host=} can name this device: its domain fits in 16 bits. */
    public boolean hasShortDomain() {
        return domain <= MAX_SHORT_DOMAIN;
    }

    /**
     * libvirt's nodedev name, {@code pci_0000_03_07_0} or {@code pci_10000_01_00_0}: libvirt's udev
     * backend names a device {@code SUBSYSTEM_SYSNAME} with every character that is not a letter or digit
     * made {@code _}, so the domain keeps the sysfs name's digits.
     */
    public String nodedevName() {
        return "pci_" + toString().replace(':', '_').replace('.', '_');
    }

    /** The address of function 0 of the same slot. */
    public PciAddress functionZero() {
        return new PciAddress(domain, bus, slot, 0);
    }

    @Override
    public int compareTo(PciAddress o) {
        int c = Long.compare(domain, o.domain);
        if (c == 0) {
            c = Integer.compare(bus, o.bus);
        }
        if (c == 0) {
            c = Integer.compare(slot, o.slot);
        }
        return c != 0 ? c : Integer.compare(function, o.function);
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.length() > 80 ? b.substring(0, 80) + "…" : b.toString();
    }
}
