package dev.hostdev.engine.pci;

import dev.hostdev.engine.HostdevException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI address, domain:bus:slot.function. One parser accepts every spelling users meet:
 * {@code 03:07.0}, {@code 0000:03:07.0} (lspci, sysfs) and {@code pci_0000_03_07_0} (libvirt's
 * nodedev name).
 *
 * @param domain   0 to 0xffff
 * @param bus      0 to 0xff
 * @param slot     0 to 0x1f
 * @param function 0 to 7
 */
public record PciAddress(int domain, int bus, int slot, int function) implements Comparable<PciAddress> {
    private static final Pattern SYSFS = Pattern.compile(
            "(?:([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-7])");
    private static final Pattern NODEDEV = Pattern.compile(
            "pci_([0-9a-fA-F]{4})_([0-9a-fA-F]{2})_([0-9a-fA-F]{2})_([0-7])");

    /** Validates each field's range. */
    public PciAddress {
        if (domain < 0 || domain > 0xffff || bus < 0 || bus > 0xff || slot < 0 || slot > 0x1f
                || function < 0 || function > 7) {
            throw HostdevException.usage(String.format(
                    "PCI address out of range: domain %x, bus %x, slot %x, function %x", domain, bus, slot, function),
                    "a PCI address is DDDD:BB:SS.F with bus up to ff, slot up to 1f and function up to 7");
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
                    "write it as 03:07.0, 0000:03:07.0 or pci_0000_03_07_0");
        }
        return address;
    }

    /** Parses any accepted spelling, or returns {@code null}. */
    public static PciAddress tryParse(String text) {
        if (text == null) {
            return null;
        }
        String t = text.strip();
        Matcher m = SYSFS.matcher(t);
        if (m.matches()) {
            int slot = Integer.parseInt(m.group(3), 16);
            if (slot > 0x1f) {
                return null;
            }
            return new PciAddress(m.group(1) == null ? 0 : Integer.parseInt(m.group(1), 16),
                    Integer.parseInt(m.group(2), 16), slot, Integer.parseInt(m.group(4)));
        }
        m = NODEDEV.matcher(t);
        if (m.matches()) {
            int slot = Integer.parseInt(m.group(3), 16);
            if (slot > 0x1f) {
                return null;
            }
            return new PciAddress(Integer.parseInt(m.group(1), 16), Integer.parseInt(m.group(2), 16),
                    slot, Integer.parseInt(m.group(4)));
        }
        return null;
    }

    /** The sysfs spelling, {@code 0000:03:07.0}: also the directory name under /sys/bus/pci/devices. */
    @Override
    public String toString() {
        return String.format("%04x:%02x:%02x.%x", domain, bus, slot, function);
    }

    /** libvirt's nodedev name, {@code pci_0000_03_07_0}. */
    public String nodedevName() {
        return String.format("pci_%04x_%02x_%02x_%x", domain, bus, slot, function);
    }

    /** The address of function 0 of the same slot. */
    public PciAddress functionZero() {
        return new PciAddress(domain, bus, slot, 0);
    }

    @Override
    public int compareTo(PciAddress o) {
        int c = Integer.compare(domain, o.domain);
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
