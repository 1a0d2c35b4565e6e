package dev.hostdev.launcher.qmp;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Splits QEMU's output into messages: QEMU writes each QMP message as one line of JSON. A line
 * longer than the cap is a protocol error rather than a reason to grow without bound. A line that
 * has only partly arrived when a read's time is up is kept for the next read.
 */
final class QmpLineReader {
    /** What {@link #next} returns when no whole line came in time. */
    static final byte[] NOTHING_YET = new byte[0];

    private final QmpTransport in;
    private final int maxMessageBytes;
    /** 8 KiB: most messages fit; a longer one (qom-list of a big VM) takes a few reads. */
    private final ByteBuffer buf = ByteBuffer.allocate(8 * 1024).flip();
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    QmpLineReader(QmpTransport in, int maxMessageBytes) {
        this.in = in;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * The next non-blank line without its line end; {@link #NOTHING_YET} if none is complete within
     * {@code timeoutNanos} (zero: only from what has arrived); {@code null} at the end of the stream
     * between messages.
     *
     * @throws HostdevException (QMP) for a message over the cap or a stream ending mid-message
     */
    byte[] next(long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        byte[] a = buf.array();
        while (true) {
            if (!buf.hasRemaining()) {
                buf.clear();
                int n = in.read(buf, deadline - System.nanoTime());
                buf.flip();
                if (n < 0) {
                    if (isBlank(line.toByteArray())) {
                        line.reset();
                        return null;
                    }
                    throw new HostdevException(ErrorCode.QMP, "QEMU closed the QMP connection in the middle of a message", null);
                }
                if (n == 0) {
                    return NOTHING_YET;
                }
            }
            int start = buf.position();
            int pos = start;
            int limit = buf.limit();
            while (pos < limit && a[pos] != '\n') {
                pos++;
            }
            line.write(a, start, pos - start);
            if (line.size() > maxMessageBytes) {
                throw new HostdevException(ErrorCode.QMP,
                        "QMP message larger than " + maxMessageBytes + " bytes; refusing to read on", null);
            }
            if (pos < limit) {
                buf.position(pos + 1); // past the '\n'
                byte[] bytes = line.toByteArray();
                line.reset();
                if (!isBlank(bytes)) {
                    return bytes;
                }
            } else {
                buf.position(pos);
            }
        }
    }

    private static boolean isBlank(byte[] b) {
        for (byte x : b) {
            if (x != ' ' && x != '\r' && x != '\t') {
                return false;
            }
        }
        return true;
    }
}
