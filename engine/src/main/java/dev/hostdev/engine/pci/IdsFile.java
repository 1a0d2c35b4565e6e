package dev.hostdev.engine.pci;

import dev.hostdev.engine.sysfs.HostRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Looks names up in the system's {@code pci.ids} / {@code usb.ids} (the files lspci and lsusb use).
 * Both files keep vendors, and classes, sorted by ID, so each wanted vendor or class is found by a
 * binary search over the bytes and only its own block is read: a listing needs a few dozen names out
 * of some 40,000 lines, and scanning them all costs a short command more than everything else.
 *
 * <p>Format: {@code vvvv  vendor}, then {@code \tdddd  device} (and {@code \t\t} subsystem lines,
 * skipped); a class section of {@code C cc  class} and {@code \tss  subclass}; {@code #} comments;
 * usb.ids has further sections after the classes ({@code AT}, {@code HID}, {@code L}…), never looked into.
 */
public final class IdsFile {
    private static final List<String> DIRECTORIES = List.of("/usr/share/misc/", "/usr/share/hwdata/", "/usr/share/");

    private IdsFile() {
    }

    /**
     * Finds {@code fileName} ({@code pci.ids}, {@code usb.ids}) under the host root first, then on the
     * machine itself, in {@code /usr/share/misc}, {@code /usr/share/hwdata} and {@code /usr/share}.
     */
    public static Optional<Path> locate(HostRoot root, String fileName) {
        for (HostRoot r : root.isSystemRoot() ? List.of(root) : List.of(root, HostRoot.system())) {
            for (String dir : DIRECTORIES) {
                Path p = r.resolve(dir + fileName);
                if (Files.isRegularFile(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The names of the wanted IDs; {@link IdNames#NONE} if the file cannot be read.
     *
     * @param vendors    vendor IDs whose names are wanted
     * @param devices    {@code vendor << 16 | device} pairs whose names are wanted
     * @param classes    class IDs
     * @param subclasses {@code class << 8 | subclass} pairs
     */
    public static IdNames lookup(Path file, Set<Integer> vendors, Set<Integer> devices, Set<Integer> classes,
            Set<Integer> subclasses) {
        byte[] data;
        try (java.io.RandomAccessFile in = new java.io.RandomAccessFile(file.toFile(), "r")) {
            long size = in.length();
            if (size > 64 << 20) {
                return IdNames.NONE;
            }
            data = new byte[(int) size];
            in.readFully(data);
        } catch (IOException e) {
            return IdNames.NONE;
        }
        return find(data, vendors, devices, classes, subclasses);
    }

    private static final long VENDOR = 0;
    private static final long CLASS = 1L << 32;
    private static final long OTHER = Long.MAX_VALUE;

    static IdNames find(byte[] d, Set<Integer> vendors, Set<Integer> devices, Set<Integer> classes,
            Set<Integer> subclasses) {
        Map<Integer, String> vendorNames = new HashMap<>();
        Map<Integer, String> deviceNames = new HashMap<>();
        Map<Integer, String> classNames = new HashMap<>();
        Map<Integer, String> subclassNames = new HashMap<>();
        Set<Integer> vendorsToFind = new java.util.TreeSet<>(vendors);
        for (int key : devices) {
            vendorsToFind.add(key >>> 16);
        }
        for (int vendor : vendorsToFind) {
            int line = search(d, VENDOR | vendor);
            if (line < 0) {
                continue;
            }
            if (vendors.contains(vendor)) {
                vendorNames.put(vendor, name(d, line + 6, endOfLine(d, line)));
            }
            int[] wanted = devicesOf(vendor, devices);
            int last = -1;
            for (int id : wanted) {
                last = Math.max(last, id);
            }
            int found = 0;
            // Devices are sorted by ID within a vendor's block: stop once every wanted one is found or
            // passed (Intel's block alone has 8,500 lines).
            for (int p = endOfLine(d, line) + 1; found < wanted.length && p < d.length && isInsideBlock(d, p);
                    p = endOfLine(d, p) + 1) {
                if (d[p] == '\t' && p + 1 < d.length && d[p + 1] != '\t') {
                    int id = hex(d, p + 1, 4);
                    if (id > last) {
                        break;
                    }
                    if (id >= 0 && contains(wanted, id)) {
                        deviceNames.put(vendor << 16 | id, name(d, p + 7, endOfLine(d, p)));
                        found++;
                    }
                }
            }
        }
        Set<Integer> classesToFind = new java.util.TreeSet<>(classes);
        for (int key : subclasses) {
            classesToFind.add(key >>> 8);
        }
        for (int klass : classesToFind) {
            int line = search(d, CLASS | klass);
            if (line < 0) {
                continue;
            }
            if (classes.contains(klass)) {
                classNames.put(klass, name(d, line + 6, endOfLine(d, line)));
            }
            for (int p = endOfLine(d, line) + 1; p < d.length && isInsideBlock(d, p); p = endOfLine(d, p) + 1) {
                if (d[p] == '\t' && p + 1 < d.length && d[p + 1] != '\t') {
                    int id = hex(d, p + 1, 2);
                    if (id >= 0 && subclasses.contains(klass << 8 | id)) {
                        subclassNames.put(klass << 8 | id, name(d, p + 5, endOfLine(d, p)));
                    }
                }
            }
        }
        return new IdNames(vendorNames, deviceNames, classNames, subclassNames);
    }

    /** The device IDs wanted of {@code vendor}, as plain ints (no boxing in the loop over its block). */
    private static int[] devicesOf(int vendor, Set<Integer> devices) {
        int n = 0;
        for (int key : devices) {
            if (key >>> 16 == vendor) {
                n++;
            }
        }
        int[] out = new int[n];
        int i = 0;
        for (int key : devices) {
            if (key >>> 16 == vendor) {
                out[i++] = key & 0xffff;
            }
        }
        return out;
    }

    private static boolean contains(int[] values, int value) {
        for (int v : values) {
            if (v == value) {
                return true;
            }
        }
        return false;
    }

    /**
     * The offset of the top-level line with {@code want} as its key, or -1. Top-level lines are
     * ordered vendors (by ID), then classes (by ID), then anything else; comment and indented lines
     * between them are skipped.
     */
    private static int search(byte[] d, long want) {
        int lo = 0;
        int hi = d.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int p = nextTopLine(d, mid, hi);
            if (p < 0) {
                hi = mid;
                continue;
            }
            long key = key(d, p);
            if (key == want) {
                return p;
            }
            if (key < want) {
                lo = endOfLine(d, p) + 1;
            } else {
                hi = mid;
            }
        }
        return -1;
    }

    /** The first top-level line starting at or after {@code from} and before {@code limit}, or -1. */
    private static int nextTopLine(byte[] d, int from, int limit) {
        if (from == 0 && !isInsideBlock(d, 0)) {
            return 0;
        }
        // One tight loop over the bytes: this walks through whole blocks (Intel's has 8,500 lines).
        for (int i = Math.max(0, from - 1); i < limit - 1; i++) {
            if (d[i] == '\n') {
                byte b = d[i + 1];
                if (b != '\t' && b != '#' && b != '\n' && b != '\r') {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    /** Indented, comment and blank lines belong to the block of the top-level line above them. */
    private static boolean isInsideBlock(byte[] d, int p) {
        byte b = d[p];
        return b == '\t' || b == '#' || b == '\n' || b == '\r';
    }

    private static long key(byte[] d, int p) {
        if (d[p] == 'C' && p + 1 < d.length && d[p + 1] == ' ') {
            int id = hex(d, p + 2, 2);
            return id >= 0 ? CLASS | id : OTHER;
        }
        int id = hex(d, p, 4);
        return id >= 0 && p + 4 < d.length && d[p + 4] == ' ' ? VENDOR | id : OTHER;
    }

    private static int endOfLine(byte[] d, int p) {
        int i = p;
        while (i < d.length && d[i] != '\n') {
            i++;
        }
        return i;
    }

    /** Parses {@code digits} lower- or upper-case hex digits at {@code at}, or -1. */
    private static int hex(byte[] d, int at, int digits) {
        if (at + digits > d.length) {
            return -1;
        }
        int v = 0;
        for (int i = at; i < at + digits; i++) {
            int c = d[i];
            int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (x < 0) {
                return -1;
            }
            v = v << 4 | x;
        }
        return v;
    }

    private static String name(byte[] d, int from, int end) {
        if (from >= end) {
            return "";
        }
        int to = end;
        while (to > from && (d[to - 1] == '\r' || d[to - 1] == ' ')) {
            to--;
        }
        return new String(d, from, to - from, StandardCharsets.UTF_8);
    }
}
