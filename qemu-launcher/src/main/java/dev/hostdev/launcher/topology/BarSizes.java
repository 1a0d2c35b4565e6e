package dev.hostdev.launcher.topology;

/**
 * The memory a PCI device's BARs (and expansion ROM) need, summed by the window they go in, read
 * from sysfs {@code resource}: one line per resource, {@code start end flags} in hex; an unused one
 * is all zeros. Lines 0-5 are the BARs, 6 the ROM; later lines (SR-IOV BARs, bridge windows) are
 * not counted.
 *
 * @param mem    bytes for the 32-bit / non-prefetchable window (non-prefetchable BARs, 32-bit prefetchable BARs, ROM)
 * @param pref64 bytes for the 64-bit prefetchable window
 * @param io     bytes of I/O ports
 * @param pref64Bars the 64-bit prefetchable BARs one by one, in BAR order (their sum is {@code pref64})
 */
public record BarSizes(long mem, long pref64, long io, java.util.List<Long> pref64Bars) {
    static final long IORESOURCE_IO = 0x100;
    static final long IORESOURCE_MEM = 0x200;
    static final long IORESOURCE_PREFETCH = 0x2000;
    static final long IORESOURCE_MEM_64 = 0x100000;
    private static final int BAR_AND_ROM_LINES = 7;

    /** Copies the list. */
    public BarSizes {
        pref64Bars = java.util.List.copyOf(pref64Bars);
    }

    /** Sizes without the BARs listed one by one. */
    public BarSizes(long mem, long pref64, long io) {
        this(mem, pref64, io, pref64 > 0 ? java.util.List.of(pref64) : java.util.List.of());
    }

    /** The 64-bit prefetchable BARs as a person reads them: {@code 16G + 32M}. */
    public String describePref64() {
        return String.join(" + ", pref64Bars.stream().map(b -> new dev.hostdev.launcher.spec.MemorySize(b).toString()).toList());
    }

    /** Parses the text of a {@code resource} file. Malformed lines are skipped. */
    public static BarSizes parse(String resource) {
        long mem = 0, pref64 = 0, io = 0;
        java.util.List<Long> bars = new java.util.ArrayList<>();
        String[] lines = resource.split("\n");
        for (int i = 0; i < Math.min(lines.length, BAR_AND_ROM_LINES); i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 3) {
                continue;
            }
            long start, end, flags;
            try {
                start = Long.parseUnsignedLong(strip0x(f[0]), 16);
                end = Long.parseUnsignedLong(strip0x(f[1]), 16);
                flags = Long.parseUnsignedLong(strip0x(f[2]), 16);
            } catch (NumberFormatException e) {
                continue;
            }
            if (flags == 0 || end < start || (start == 0 && end == 0)) {
                continue;
            }
            long size = end - start + 1;
            if ((flags & IORESOURCE_IO) != 0) {
                io += size;
            } else if ((flags & IORESOURCE_MEM) != 0) {
                boolean prefetch64 = (flags & IORESOURCE_PREFETCH) != 0 && (flags & IORESOURCE_MEM_64) != 0;
                if (prefetch64 && i < 6) {
                    pref64 += size;
                    bars.add(size);
                } else {
                    mem += size;
                }
            }
        }
        return new BarSizes(mem, pref64, io, bars);
    }

    private static String strip0x(String s) {
        return s.startsWith("0x") || s.startsWith("0X") ? s.substring(2) : s;
    }
}
