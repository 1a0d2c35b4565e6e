package dev.hostdev.launcher.qmp;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * QMP over a UNIX-domain socket, with Java's own {@link SocketChannel} in non-blocking mode: a read
 * that finds nothing waits in a {@link Selector} until data comes or its time is up.
 */
public final class UnixSocketTransport implements QmpTransport {
    private final Path socket;
    private final SocketChannel channel;
    private final Selector readable;
    private final Object writeLock = new Object();
    private Selector writable;

    private UnixSocketTransport(Path socket, SocketChannel channel, Selector readable) {
        this.socket = socket;
        this.channel = channel;
        this.readable = readable;
    }

    /**
     * Connects to a QMP socket.
     *
     * @throws HostdevException (QMP) naming the socket when nothing listens on it
     */
    public static UnixSocketTransport connect(Path socket) {
        SocketChannel ch = null;
        Selector sel = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            sel = Selector.open();
            ch.register(sel, SelectionKey.OP_READ);
            return new UnixSocketTransport(socket, ch, sel);
        } catch (IOException e) {
            closeQuietly(sel);
            closeQuietly(ch);
            throw new HostdevException(ErrorCode.QMP, "cannot connect to the QMP socket " + socket + ": " + e.getMessage(),
                    "check that the VM is running ('hostdev vm status') and that you may open the socket", e);
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // nothing more to do with a socket that failed to connect
            }
        }
    }

    @Override
    public int read(ByteBuffer dst, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        try {
            // Waiting first: a caller with time to wait has usually just sent a command, whose reply
            // is not there yet; a read would only say so (one system call more per message).
            boolean ready = timeoutNanos <= 0;
            while (true) {
                if (ready) {
                    int n = channel.read(dst);
                    if (n != 0) {
                        return n;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return 0;
                }
                await(readable, left);
                ready = true;
            }
        } catch (ClosedSelectorException e) {
            throw new java.nio.channels.ClosedChannelException();
        }
    }

    @Override
    public void write(ByteBuffer src, long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        synchronized (writeLock) {
            while (src.hasRemaining()) {
                if (channel.write(src) > 0) {
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new InterruptedByTimeoutException();
                }
                // the socket's buffer is full: QEMU is not reading (rare; a selector of its own, made then)
                if (writable == null) {
                    writable = Selector.open();
                    channel.register(writable, SelectionKey.OP_WRITE);
                }
                await(writable, left);
            }
        }
    }

    /** Waits until the selector's channel is ready or {@code nanos} pass (rounded up to a millisecond). */
    private static void await(Selector selector, long nanos) throws IOException {
        selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999)));
        selector.selectedKeys().clear();
    }

    @Override
    public String describe() {
        return socket.toString();
    }

    /** Closes the socket; a read waiting meanwhile ends with an IOException. */
    @Override
    public void close() throws IOException {
        try {
            readable.close();
            synchronized (writeLock) {
                if (writable != null) {
                    writable.close();
                }
            }
        } finally {
            channel.close();
        }
    }
}
