package dev.hostdev.launcher.spec;

import dev.hostdev.engine.HostdevException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A size in bytes written as QEMU and people write it: {@code 512M}, {@code 2G}, {@code 16G},
 * {@code 1T} (binary units; an optional {@code iB}/{@code B} suffix is accepted).
 *
 * @param bytes at least 1
 */
public record MemorySize(long bytes) implements Comparable<MemorySize> {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*([KMGT])(?:I?B)?", Pattern.CASE_INSENSITIVE);
    /** One mebibyte. */
    public static final long MIB = 1L << 20;
    /**
     * The most guest-physical address space an x86-64 VM can have: 52 address bits (4096T), the architecture's
     * limit and so the most QEMU's {@code phys-bits} allows. Guest RAM and a device window larger than this can
     * never be placed.
     */
    public static final MemorySize X86_64_PHYSICAL_LIMIT = new MemorySize(1L << 52);

    /** Rejects sizes below one byte. */
    public MemorySize {
        if (bytes < 1) {
            throw HostdevException.usage("size must be positive, not " + bytes, null);
        }
    }

    /**
     * Parses {@code 512M}, {@code 2G}, {@code 16GiB}, …
     *
     * @throws HostdevException (usage) for anything else
     */
    public static MemorySize parse(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            throw HostdevException.usage("not a size: '" + text + "'",
                    "write a whole number and a unit: 512M, 2G, 16G (K, M, G, T: powers of 1024)");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            default -> 40;
        };
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            n = Long.MAX_VALUE;
        }
        if (n == 0) {
            throw HostdevException.usage("size must be more than zero: '" + text + "'", null);
        }
        if (n > (Long.MAX_VALUE >> shift)) {
            throw HostdevException.usage("size too large: '" + text + "'", null);
        }
        return new MemorySize(n << shift);
    }

    /** Whether this fits in an x86-64 guest's physical address space ({@link #X86_64_PHYSICAL_LIMIT}). */
    public boolean fitsX86_64() {
        return bytes <= X86_64_PHYSICAL_LIMIT.bytes;
    }

    /** The size in whole mebibytes (rounded up). */
    public long mebibytes() {
        return (bytes + MIB - 1) / MIB;
    }

    /** The smallest power of two at least this size. */
    public MemorySize roundUpToPowerOfTwo() {
        long highest = Long.highestOneBit(bytes);
        return new MemorySize(highest == bytes ? bytes : highest << 1);
    }

    /** The shortest exact spelling: {@code 2G}, {@code 512M}, {@code 1536K}, or bytes. */
    @Override
    public String toString() {
        String[] units = {"T", "G", "M", "K"};
        int[] shifts = {40, 30, 20, 10};
        for (int i = 0; i < units.length; i++) {
            long unit = 1L << shifts[i];
            if (bytes % unit == 0) {
                return (bytes / unit) + units[i];
            }
        }
        return Long.toString(bytes);
    }

    @Override
    public int compareTo(MemorySize o) {
        return Long.compare(bytes, o.bytes);
    }
}
