package dev.hostdev.engine.numa;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A set of CPU numbers in the kernel's list format ({@code 0-3,8-11}, as {@code cpulist},
 * {@code isolated}, {@code local_cpulist} and {@code smp_affinity_list} spell it). An empty file
 * is the empty set. Immutable.
 */
public final class CpuList {
    /** The largest CPU number accepted: the kernel's NR_CPUS limit on x86-64 (8192). */
    public static final int MAX_CPU = 8191;
    private static final CpuList EMPTY = new CpuList(new BitSet());
    private final BitSet bits;

    private CpuList(BitSet bits) {
        this.bits = bits;
    }

    /** The empty set. */
    public static CpuList empty() {
        return EMPTY;
    }

    /** The set of these CPUs. */
    public static CpuList of(Collection<Integer> cpus) {
        BitSet b = new BitSet();
        for (int c : cpus) {
            check(c, String.valueOf(c));
            b.set(c);
        }
        return new CpuList(b);
    }

    /** The set of these CPUs. */
    public static CpuList of(int... cpus) {
        return of(IntStream.of(cpus).boxed().toList());
    }

    /**
     * Parses the list format: comma-separated numbers and ranges {@code a-b}; white space around
     * the whole is ignored; the kernel's stride form {@code a-b:step/group} is not used by these files.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static CpuList parse(String text) {
        String s = text.strip();
        BitSet b = new BitSet();
        if (s.isEmpty()) {
            return EMPTY;
        }
        for (String part : s.split(",", -1)) {
            String p = part.strip();
            int dash = p.indexOf('-');
            try {
                if (dash < 0) {
                    int c = Integer.parseInt(p);
                    check(c, text);
                    b.set(c);
                } else {
                    int lo = Integer.parseInt(p.substring(0, dash));
                    int hi = Integer.parseInt(p.substring(dash + 1));
                    check(lo, text);
                    check(hi, text);
                    if (hi < lo) {
                        throw new IllegalArgumentException("'" + text.strip() + "' is not a CPU list: range " + p + " runs backwards");
                    }
                    b.set(lo, hi + 1);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text.strip() + "' is not a CPU list (e.g. 0-3,8-11): '" + p + "'");
            }
        }
        return new CpuList(b);
    }

    private static void check(int cpu, String text) {
        if (cpu < 0 || cpu > MAX_CPU) {
            throw new IllegalArgumentException("'" + text.strip() + "' is not a CPU list: CPU " + cpu + " is out of range 0-" + MAX_CPU);
        }
    }

    /** The CPUs, ascending. */
    public List<Integer> cpus() {
        List<Integer> l = new ArrayList<>(bits.cardinality());
        bits.stream().forEach(l::add);
        return l;
    }

    /** How many CPUs. */
    public int size() {
        return bits.cardinality();
    }

    /** Whether there are none. */
    public boolean isEmpty() {
        return bits.isEmpty();
    }

    /** Whether {@code cpu} is in the set. */
    public boolean contains(int cpu) {
        return cpu >= 0 && bits.get(cpu);
    }

    /** Whether every CPU of {@code other} is in this set. */
    public boolean containsAll(CpuList other) {
        BitSet b = (BitSet) other.bits.clone();
        b.andNot(bits);
        return b.isEmpty();
    }

    /** The CPUs in both sets. */
    public CpuList and(CpuList other) {
        BitSet b = (BitSet) bits.clone();
        b.and(other.bits);
        return new CpuList(b);
    }

    /** The CPUs in either set. */
    public CpuList or(CpuList other) {
        BitSet b = (BitSet) bits.clone();
        b.or(other.bits);
        return new CpuList(b);
    }

    /** The CPUs of this set not in {@code other}. */
    public CpuList minus(CpuList other) {
        BitSet b = (BitSet) bits.clone();
        b.andNot(other.bits);
        return new CpuList(b);
    }

    /** The kernel's list format, ranges collapsed: {@code 0-3,8-11}; empty for the empty set. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        int i = bits.nextSetBit(0);
        while (i >= 0) {
            int end = bits.nextClearBit(i) - 1;
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(i);
            if (end > i) {
                sb.append('-').append(end);
            }
            i = bits.nextSetBit(end + 1);
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuList c && c.bits.equals(bits);
    }

    @Override
    public int hashCode() {
        return bits.hashCode();
    }
}
