package dev.hostdev.nativetests.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Where this JVM's memory is, for telling warm-up from growth in a long run: the kernel's view ({@code VmRSS},
 * {@code RssAnon}, {@code RssFile} of {@code /proc/self/status}), the heap in use after a full collection, and
 * Native Memory Tracking's committed KiB per category (what {@code jcmd PID VM.native_memory summary} prints, asked
 * in-process through the DiagnosticCommand MBean, so no process is forked per sample). NMT figures are {@code null}
 * unless the JVM runs with {@code -XX:NativeMemoryTracking=summary}.
 *
 * @param rssKib VmRSS
 * @param anonKib RssAnon (heap, malloc, code cache, metaspace: what a leak grows)
 * @param fileKib RssFile (pages of libjvm, the JDK's modules and the jar touched so far)
 * @param heapKib Java heap in use after a full collection
 * @param heapRssKib resident KiB of the Java heap's address range (from {@code GC.heap_info}'s bounds and
 *        {@code /proc/self/smaps}): pages of the heap touched so far, whatever is in use; -1 when not found
 * @param nmtCommittedKib NMT's committed KiB per category, "Total" first; empty without NMT
 */
record JvmMemorySample(long rssKib, long anonKib, long fileKib, long heapKib, long heapRssKib, Map<String, Long> nmtCommittedKib) {
    /** The NMT categories a series prints, in order (the others are summed into "rest"). */
    static final String[] COLUMNS = {"Total", "Java Heap", "Class", "Thread", "Code", "GC", "Compiler", "Internal", "Symbol", "Arena Chunk"};
    private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    /** Takes a sample now (a full collection first). */
    static JvmMemorySample now() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heap = (rt.totalMemory() - rt.freeMemory()) / 1024;
        Map<String, Long> status = status();
        return new JvmMemorySample(status.getOrDefault("VmRSS", -1L), status.getOrDefault("RssAnon", -1L),
                status.getOrDefault("RssFile", -1L), heap, heapRss(), nmt());
    }

    /** The header of {@link #row}. */
    static String header() {
        StringBuilder b = new StringBuilder("VmRSS RssAnon RssFile heap-after-GC heap-RSS | NMT committed:");
        for (String c : COLUMNS) {
            b.append(' ').append(c.replace(' ', '-'));
        }
        return b.append(" rest (KiB)").toString();
    }

    /** One line of the series. */
    String row() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%d %d %d %d %d |", rssKib, anonKib, fileKib, heapKib, heapRssKib));
        long named = 0;
        for (String c : COLUMNS) {
            Long v = nmtCommittedKib.get(c);
            b.append(' ').append(v == null ? "-" : v.toString());
            if (v != null && !c.equals("Total")) {
                named += v;
            }
        }
        Long total = nmtCommittedKib.get("Total");
        return b.append(' ').append(total == null ? "-" : Long.toString(total - named)).toString();
    }

    private static Map<String, Long> status() {
        Map<String, Long> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.ISO_8859_1)) {
                String[] kv = line.split(":\\s+", 2);
                if (kv.length == 2 && kv[1].endsWith(" kB")) {
                    m.put(kv[0], Long.parseLong(kv[1].substring(0, kv[1].length() - 3).trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // an unreadable status gives -1 in the row
        }
        return m;
    }

    private static final Pattern ADDRESS = Pattern.compile("0x([0-9a-f]{6,16})");
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) ");

    /** Resident KiB of the smaps mappings inside the heap's bounds (the lowest and highest address GC.heap_info prints). */
    private static long heapRss() {
        try {
            Object info = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcHeapInfo", new Object[] {new String[0]}, new String[] {String[].class.getName()});
            long lo = Long.MAX_VALUE;
            long hi = 0;
            Matcher a = ADDRESS.matcher(info.toString());
            while (a.find()) {
                long v = Long.parseUnsignedLong(a.group(1), 16);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            long rss = 0;
            boolean inside = false;
            for (String line : Files.readAllLines(Path.of("/proc/self/smaps"), StandardCharsets.ISO_8859_1)) {
                Matcher m = MAPPING.matcher(line);
                if (m.find()) {
                    long start = Long.parseUnsignedLong(m.group(1), 16);
                    long end = Long.parseUnsignedLong(m.group(2), 16);
                    inside = start < hi && end > lo;
                } else if (inside && line.startsWith("Rss:")) {
                    rss += Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return hi > lo ? rss : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** NMT summary, committed KiB per category; empty when NMT is off or the command fails. */
    static Map<String, Long> nmt() {
        Map<String, Long> m = new LinkedHashMap<>();
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "vmNativeMemory", new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
            for (String line : out.toString().split("\n")) {
                Matcher t = TOTAL.matcher(line.strip());
                if (t.find()) {
                    m.put("Total", Long.parseLong(t.group(2)));
                }
                Matcher c = CATEGORY.matcher(line.strip());
                if (c.find()) {
                    m.put(c.group(1), Long.parseLong(c.group(3)));
                }
            }
        } catch (Exception e) {
            // NMT off ("Native memory tracking is not enabled"): no NMT columns
        }
        return m;
    }
}
