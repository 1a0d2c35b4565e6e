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
 * binary search over the file and only its own block is read, through a small {@link ByteWindow}: a
 * listing needs a few dozen names out of some 40,000 lines, and reading them all costs a short command
 * more than everything else.
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
        try (ByteWindow w = ByteWindow.open(file)) {
            return find(w, vendors, devices, classes, subclasses);
        } catch (IOException | java.io.UncheckedIOException e) {
            return IdNames.NONE;
        }
    }

    /** {@link #lookup} over the bytes of a file already in memory. */
    static IdNames find(byte[] data, Set<Integer> vendors, Set<Integer> devices, Set<Integer> classes,
            Set<Integer> subclasses) {
        return find(ByteWindow.of(data), vendors, devices, classes, subclasses);
    }

    private static final long VENDOR = 0;
    private static final long CLASS = 1L << 32;
    private static final long OTHER = Long.MAX_VALUE;

    private static IdNames find(ByteWindow d, Set<Integer> vendors, Set<Integer> devices, Set<Integer> classes,
            Set<Integer> subclasses) {
        Map<Integer, String> vendorNames = new HashMap<>();
        Map<Integer, String> deviceNames = new HashMap<>();
        Map<Integer, String> classNames = new HashMap<>();
        Map<Integer, String> subclassNames = new HashMap<>();
        long length = d.length();
        Set<Integer> vendorsToFind = new java.util.TreeSet<>(vendors);
        for (int key : devices) {
            vendorsToFind.add(key >>> 16);
        }
        for (int vendor : vendorsToFind) {
            long line = search(d, VENDOR | vendor);
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
            for (long p = endOfLine(d, line) + 1; found < wanted.length && p < length && isInsideBlock(d.at(p));
                    p = endOfLine(d, p) + 1) {
                if (d.at(p) == '\t' && p + 1 < length && d.at(p + 1) != '\t') {
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
            long line = search(d, CLASS | klass);
            if (line < 0) {
                continue;
            }
            if (classes.contains(klass)) {
                classNames.put(klass, name(d, line + 6, endOfLine(d, line)));
            }
            for (long p = endOfLine(d, line) + 1; p < length && isInsideBlock(d.at(p)); p = endOfLine(d, p) + 1) {
                if (d.at(p) == '\t' && p + 1 < length && d.at(p + 1) != '\t') {
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
     * belong to the block of the top-level line above them.
     *
     * <p>A binary search over byte offsets. The classes are the last few kilobytes of the file, so a
     * class is first looked for in stretches from the end that double each time. The answer, if there
     * is one, always lies in {@code [range.lo, range.hi)}.
     */
    private static long search(ByteWindow d, long want) {
        Range range = new Range(d.length());
        if (want >= CLASS) {
            for (long step = 4096; step < range.hi - range.lo; step *= 2) {
                long lo = range.lo;
                long found = probe(d, want, d.length() - step, range);
                if (found != NOT_YET) {
                    return found;
                }
                if (range.lo != lo) {
                    break;
                }
            }
        }
        while (range.lo < range.hi) {
            long found = probe(d, want, (range.lo + range.hi) >>> 1, range);
            if (found != NOT_YET) {
                return found;
            }
        }
        return -1;
    }

    private static final long NOT_YET = -2;

    /** The part of the file the searched line must lie in, if it is there at all. */
    private static final class Range {
        long lo;
        long hi;

        Range(long length) {
            hi = length;
        }
    }

    /**
     * Looks at the top-level line nearest to {@code mid}, backwards and forwards at once, so a probe deep
     * inside a big block (Intel's is 370 KB) costs twice its distance to the nearer end of that block,
     * not a walk over all of it. Returns the line if its key is {@code want}, -1 if no top-level line is
     * left in the range, else {@link #NOT_YET} with the range narrowed.
     */
    private static long probe(ByteWindow d, long want, long mid, Range range) {
        long back = lineStart(d, mid, range.lo);
        long ahead = nextLine(d, mid, range.hi);
        // Each direction in turn scans a stretch that doubles each round, so the window mostly moves
        // along the file instead of jumping between the two ends at every line.
        for (long reach = 512; ; reach *= 2) {
            for (; back >= 0 && back >= mid - reach; back = back > range.lo ? lineStart(d, back - 1, range.lo) : -1) {
                if (!isInsideBlock(d.at(back))) {
                    long key = key(d, back);
                    if (key == want) {
                        return back;
                    }
                    if (key < want) {
                        range.lo = mid + 1;
                    } else {
                        range.hi = back;
                    }
                    return NOT_YET;
                }
            }
            for (; ahead >= 0 && ahead <= mid + reach; ahead = nextLine(d, ahead, range.hi)) {
                if (!isInsideBlock(d.at(ahead))) {
                    long key = key(d, ahead);
                    if (key == want) {
                        return ahead;
                    }
                    if (key < want) {
                        range.lo = ahead + 1;
                    } else {
                        // Nothing starts between the probe and this line: the answer is at or before the probe.
                        range.hi = mid + 1;
                    }
                    return NOT_YET;
                }
            }
            if (back < 0 && ahead < 0) {
                return -1;
            }
        }
    }

    /** The start of the line holding {@code at}, or -1 if that line starts before {@code floor}. */
    private static long lineStart(ByteWindow d, long at, long floor) {
        long newline = d.lastIndexOf((byte) '\n', at - 1, floor - 1);
        if (newline >= 0) {
            return newline + 1;
        }
        return floor == 0 ? 0 : -1;
    }

    /** The start of the line after the one holding {@code at}, or -1 if none starts before {@code limit}. */
    private static long nextLine(ByteWindow d, long at, long limit) {
        long newline = d.indexOf((byte) '\n', at, limit);
        return newline >= 0 && newline + 1 < limit ? newline + 1 : -1;
    }

    /** Indented, comment and blank lines belong to the block of the top-level line above them. */
    private static boolean isInsideBlock(byte b) {
        return b == '\t' || b == '#' || b == '\n' || b == '\r';
    }

    private static long key(ByteWindow d, long p) {
        if (d.at(p) == 'C' && p + 1 < d.length() && d.at(p + 1) == ' ') {
            int id = hex(d, p + 2, 2);
            return id >= 0 ? CLASS | id : OTHER;
        }
        int id = hex(d, p, 4);
        return id >= 0 && p + 4 < d.length() && d.at(p + 4) == ' ' ? VENDOR | id : OTHER;
    }

    private static long endOfLine(ByteWindow d, long p) {
        long newline = d.indexOf((byte) '\n', p, d.length());
        return newline >= 0 ? newline : d.length();
    }

    /** Parses {@code digits} lower- or upper-case hex digits at {@code at}, or -1. */
    private static int hex(ByteWindow d, long at, int digits) {
        if (at + digits > d.length()) {
            return -1;
        }
        int v = 0;
        for (long i = at; i < at + digits; i++) {
            int c = d.at(i);
            int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (x < 0) {
                return -1;
            }
            v = v << 4 | x;
        }
        return v;
    }

    private static String name(ByteWindow d, long from, long end) {
        long to = end;
        while (to > from && (d.at(to - 1) == '\r' || d.at(to - 1) == ' ')) {
            to--;
        }
        if (from >= to) {
            return "";
        }
        byte[] bytes = new byte[(int) (to - from)];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = d.at(from + i);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
