package dev.hostdev.launcher.qmp;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;

/**
 * Streams over a blocking channel that one thread may read while another writes.
 *
 * <p>Not {@code Channels.newInputStream}: on Java 17 its streams hold the channel's blocking lock
 * while a read blocks, so a write from another thread waits until something is read: a deadlock
 * when the peer waits for that write.
 */
public final class ChannelStreams {
    private ChannelStreams() {
    }

    /** Reads from {@code channel}. */
    public static InputStream input(ByteChannel channel) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : channel.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    /** Writes to {@code channel}, all of each buffer. */
    public static OutputStream output(ByteChannel channel) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    channel.write(buf);
                }
            }
        };
    }
}
