package dev.hostdev.engine.pci;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;

/**
 * Random access to the bytes of a file through one small window that moves to wherever it is read.
 * A listing reads a few kilobytes of the 1.3 MB {@code pci.ids}; reading the whole file instead cost
 * more than the rest of {@code hostdev list} on a small host (the new heap pages alone, on a VM).
 * The searches loop over the window's array themselves: a method call per byte costs ten times more
 * before the JIT has compiled it, and a short command ends before that.
 */
final class ByteWindow implements AutoCloseable {
    /** At most 8 KiB: RandomAccessFile reads up to that through a stack buffer, without a malloc. */
    private static final int WINDOW = 8192;

    private final RandomAccessFile file;
    private final long length;
    private final byte[] buf;
    private long start;
    private int filled;

    private ByteWindow(RandomAccessFile file, long length, byte[] buf, int filled) {
        this.file = file;
        this.length = length;
        this.buf = buf;
        this.filled = filled;
    }

    /** A window over a file; the caller closes it. */
    static ByteWindow open(java.nio.file.Path path) throws IOException {
        RandomAccessFile in = new RandomAccessFile(path.toFile(), "r");
        try {
            return new ByteWindow(in, in.length(), new byte[WINDOW], 0);
        } catch (RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /** A window that already holds all of {@code data} (tests, small files). */
    static ByteWindow of(byte[] data) {
        return new ByteWindow(null, data.length, data, data.length);
    }

    long length() {
        return length;
    }

    /** The byte at {@code pos}, which must be within {@code [0, length)}. */
    byte at(long pos) {
        if (pos < start || pos >= start + filled) {
            fill(pos, pos - WINDOW / 2);
        }
        return buf[(int) (pos - start)];
    }

    /** The first position of {@code b} in {@code [from, limit)}, or -1. */
    long indexOf(byte b, long from, long limit) {
        long end = Math.min(limit, length);
        long p = Math.max(from, 0);
        while (p < end) {
            if (p < start || p >= start + filled) {
                fill(p, p);
            }
            int i = (int) (p - start);
            int stop = (int) Math.min(filled, end - start);
            byte[] a = buf;
            for (; i < stop; i++) {
                if (a[i] == b) {
                    return start + i;
                }
            }
            p = start + stop;
        }
        return -1;
    }

    /** The last position of {@code b} in {@code [floor, from]}, or -1. */
    long lastIndexOf(byte b, long from, long floor) {
        long low = Math.max(floor, 0);
        long p = Math.min(from, length - 1);
        while (p >= low) {
            if (p < start || p >= start + filled) {
                fill(p, p - WINDOW + 1);
            }
            int i = (int) (p - start);
            int stop = (int) Math.max(0, low - start);
            byte[] a = buf;
            for (; i >= stop; i--) {
                if (a[i] == b) {
                    return start + i;
                }
            }
            p = start + stop - 1;
        }
        return -1;
    }

    /** Moves the window to start near {@code wantedStart}, holding {@code pos}. */
    private void fill(long pos, long wantedStart) {
        long from = Math.max(0, Math.min(wantedStart, length - WINDOW));
        try {
            file.seek(from);
            int n = 0;
            int want = (int) Math.min(WINDOW, length - from);
            while (n < want) {
                int r = file.read(buf, n, want - n);
                if (r < 0) {
                    break;
                }
                n += r;
            }
            start = from;
            filled = n;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (pos < start || pos - start >= filled) {
            throw new UncheckedIOException(new IOException("file changed while read at offset " + pos));
        }
    }

    @Override
    public void close() throws IOException {
        if (file != null) {
            file.close();
        }
    }
}
