package dev.hostdev.nativetests.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import dev.hostdev.launcher.qmp.ChannelStreams;

/**
 * The baseline: QMP over a bare socket, lines in and out, no JSON parsing (a reply is the next line
 * that starts with "return" or "error"), no thread. What a shell script with socat would do, minus the
 * process starts.
 */
final class RawQmp implements AutoCloseable {
    private final SocketChannel ch;
    private final BufferedReader in;
    private final OutputStream out;

    RawQmp(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        in = new BufferedReader(new InputStreamReader(ChannelStreams.input(ch), StandardCharsets.UTF_8));
        out = ChannelStreams.output(ch);
        String greeting = in.readLine();
        if (greeting == null || !greeting.contains("\"QMP\"")) {
            throw new IOException("no greeting: " + greeting);
        }
        command("{\"execute\":\"qmp_capabilities\"", "");
    }

    /**
     * Sends {@code {"execute":…,"arguments":…}} (the caller's prefix and arguments) and returns the reply
     * line. One command at a time, so no id: the reply is the next line that is not an event (hostdev's
     * client sends a command that is alone in flight without an id too).
     */
    String command(String prefix, String argumentsMember) throws IOException {
        out.write((prefix + argumentsMember + "}\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("EOF");
            }
            if (line.startsWith("{\"return\"") || line.startsWith("{\"error\"")) {
                if (line.startsWith("{\"error\"")) {
                    throw new IOException(line);
                }
                return line;
            }
        }
    }

    /** Waits until something listens on {@code socket} and greets; returns the connection. */
    static RawQmp await(Path socket, Process qemu, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (!qemu.isAlive()) {
                throw new IOException("QEMU exited: " + qemu.exitValue());
            }
            if (java.nio.file.Files.exists(socket)) {
                try {
                    return new RawQmp(socket);
                } catch (IOException e) {
                    // not listening yet
                }
            }
            Thread.sleep(5);
        }
        throw new IOException("timed out waiting for " + socket);
    }

    @Override
    public void close() throws IOException {
        ch.close();
    }
}
