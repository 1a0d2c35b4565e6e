package dev.hostdev.launcher.qmp;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits QEMU's output into messages: QEMU writes each QMP message as one line of JSON. A line
 * longer than the cap is a protocol error rather than a reason to grow without bound.
 */
final class QmpLineReader {
    private final InputStream in;
    private final int maxMessageBytes;
    private final byte[] buf = new byte[64 * 1024];
    private int pos;
    private int limit;

    QmpLineReader(InputStream in, int maxMessageBytes) {
        this.in = in;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * The next non-blank line without its line end, or {@code null} at end of stream between messages.
     *
     * @throws HostdevException (QMP) for a message over the cap or a stream ending mid-message
     */
    byte[] next() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            if (pos == limit) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    if (isBlank(line.toByteArray())) {
                        return null;
                    }
                    throw new HostdevException(ErrorCode.QMP, "QEMU closed the QMP connection in the middle of a message", null);
                }
                pos = 0;
                limit = n;
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            line.write(buf, start, pos - start);
            if (line.size() > maxMessageBytes) {
                throw new HostdevException(ErrorCode.QMP,
                        "QMP message larger than " + maxMessageBytes + " bytes; refusing to read on", null);
            }
            if (pos < limit) {
                pos++; // the '\n'
                byte[] bytes = line.toByteArray();
                if (!isBlank(bytes)) {
                    return bytes;
                }
                line.reset();
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
