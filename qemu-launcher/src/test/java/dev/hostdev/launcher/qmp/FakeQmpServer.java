package dev.hostdev.launcher.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A scripted stand-in for QEMU's QMP monitor on a real UNIX socket: the test decides what is sent
 * and when, and reads what the client sent. The greeting is sent on accept unless disabled.
 */
public final class FakeQmpServer implements AutoCloseable {
    public static final String GREETING = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 22, \"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": [\"oob\"]}}";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path socket;
    private final ServerSocketChannel server;
    private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
    private volatile SocketChannel conn;
    private volatile OutputStream out;
    private final Thread thread;
    private final boolean answerCapabilities;
    private final java.util.concurrent.atomic.AtomicInteger accepts = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param greet              send the greeting on accept
     * @param answerCapabilities answer {@code qmp_capabilities} by itself
     */
    public FakeQmpServer(Path socket, boolean greet, boolean answerCapabilities) throws IOException {
        this.socket = socket;
        this.answerCapabilities = answerCapabilities;
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        thread = new Thread(() -> serve(greet), "fake-qmp");
        thread.setDaemon(true);
        thread.start();
    }

    /** A server that greets and answers qmp_capabilities, ready for scripted commands. */
    public static FakeQmpServer standard(Path dir) throws IOException {
        return new FakeQmpServer(dir.resolve("qmp.sock"), true, true);
    }

    /** How many connections it has accepted. */
    public int accepts() {
        return accepts.get();
    }

    public Path socket() {
        return socket;
    }

    /** Serves one client after another, as QEMU's monitor does. */
    private void serve(boolean greet) {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                accepts.incrementAndGet();
                conn = c;
                out = ChannelStreams.output(c);
                if (greet) {
                    send(GREETING);
                }
                BufferedReader in = new BufferedReader(new InputStreamReader(ChannelStreams.input(c), StandardCharsets.UTF_8));
                String line;
                while ((line = in.readLine()) != null) {
                    JsonNode cmd = MAPPER.readTree(line);
                    if (answerCapabilities && "qmp_capabilities".equals(cmd.path("execute").asText())) {
                        reply(cmd, "{}");
                    } else {
                        received.add(cmd);
                    }
                }
            } catch (IOException e) {
                // this client is gone (or the test closed the server); wait for the next
            }
        }
    }

    /** The next command the client sent (other than qmp_capabilities), waiting up to 5 s. */
    public JsonNode nextCommand() throws InterruptedException {
        JsonNode c = received.poll(5, TimeUnit.SECONDS);
        if (c == null) {
            throw new AssertionError("the client sent no command within 5 s");
        }
        return c;
    }

    /** The next command, or null when none came within 200 ms. */
    public JsonNode nextCommandOrNull() throws InterruptedException {
        return received.poll(200, TimeUnit.MILLISECONDS);
    }

    /** Sends raw bytes as they are (a message is a line ending in \r\n as QEMU writes it). */
    public synchronized void sendRaw(byte[] bytes) throws IOException {
        waitConnected();
        out.write(bytes);
        out.flush();
    }

    public void send(String json) throws IOException {
        sendRaw((json + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public void reply(JsonNode cmd, String returnJson) throws IOException {
        send("{\"return\": " + returnJson + ", \"id\": " + cmd.get("id") + "}");
    }

    public void error(JsonNode cmd, String cls, String desc) throws IOException {
        send("{\"id\": " + cmd.get("id") + ", \"error\": {\"class\": \"" + cls + "\", \"desc\": " + MAPPER.valueToTree(desc) + "}}");
    }

    public void event(String name, String dataJson) throws IOException {
        send("{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 5}, \"event\": \"" + name + "\", \"data\": " + dataJson + "}");
    }

    /** Ends the connection as QEMU does when it exits. */
    public void hangUp() throws IOException {
        waitConnected();
        conn.close();
    }

    private void waitConnected() throws IOException {
        for (int i = 0; i < 500 && out == null; i++) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        if (out == null) {
            throw new IOException("no client connected");
        }
    }

    @Override
    public void close() throws IOException {
        if (conn != null) {
            conn.close();
        }
        server.close();
    }
}
