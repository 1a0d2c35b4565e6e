package dev.hostdev.launcher.qmp;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * QMP over a UNIX-domain socket, with Java's own {@link SocketChannel}.
 *
 * The streams are {@link ChannelStreams}, so the reader thread never blocks a writer.
 */
public final class UnixSocketTransport implements QmpTransport {
    private final Path socket;
    private final SocketChannel channel;

    private UnixSocketTransport(Path socket, SocketChannel channel) {
        this.socket = socket;
        this.channel = channel;
    }

    /**
     * Connects to a QMP socket.
     *
     * @throws HostdevException (QMP) naming the socket when nothing listens on it
     */
    public static UnixSocketTransport connect(Path socket) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            return new UnixSocketTransport(socket, ch);
        } catch (IOException e) {
            closeQuietly(ch);
            throw new HostdevException(ErrorCode.QMP, "cannot connect to the QMP socket " + socket + ": " + e.getMessage(),
                    "check that the VM is running ('hostdev vm status') and that you may open the socket", e);
        }
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing more to do with a socket that failed to connect
            }
        }
    }

    @Override
    public InputStream input() {
        return ChannelStreams.input(channel);
    }

    @Override
    public OutputStream output() {
        return ChannelStreams.output(channel);
    }

    @Override
    public String describe() {
        return socket.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
