package dev.hostdev.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.json.JsonTrees;
import dev.hostdev.engine.posix.Posix;
import dev.hostdev.launcher.qmp.QemuMonitor;
import dev.hostdev.launcher.qmp.QmpCall;
import dev.hostdev.launcher.qmp.QmpClient;
import dev.hostdev.launcher.qmp.QmpOptions;
import dev.hostdev.launcher.qmp.QmpTransport;
import dev.hostdev.launcher.vm.VmRecordFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import picocli.CommandLine;

/**
 * What a batch does before it reads its first line, so that its first attach and unplug do not pay for loading and
 * initialising the code they share with every later one (a hotplug rig's first cycles took 10–30× a warm one): the
 * command lines of an attach and an unplug parsed (not run), a QMP conversation of an attach and an unplug held with
 * {@link ScriptedQemu}, a stand-in in memory (no socket, no QEMU), a VM record read and written in memory, JNA's binding of libc (as a VM's lock uses), a UNIX
 * socket opened and closed unconnected, and a result line printed to nowhere. It touches no VM, no file and no QEMU; whatever fails in it is ignored (the real command then meets it as it would have).
 */
final class BatchWarmUp {
    private static final String NAME = "hostdev-batch-warm-up";

    private BatchWarmUp() {
    }

    /** Warms {@code inner}, the batch's command line, and the code under it; never throws. */
    static void run(CommandLine inner) {
        try {
            inner.parseArgs("attach", NAME, "--emulated", "e1000e", "--id", NAME);
            inner.parseArgs("unplug", NAME, NAME, "--no-wait");
        } catch (RuntimeException ignored) {
            // only a warm-up: the real line is parsed again and reports its own errors
        }
        try (QemuMonitor monitor = QemuMonitor.over(QmpClient.open(new ScriptedQemu(), QmpOptions.defaults()))) {
            monitor.queryStatus();
            ObjectNode device = JsonNodeFactory.instance.objectNode().put("driver", "e1000e").put("id", NAME).put("bus", "warm.1")
                    .put("addr", "0x0");
            monitor.deviceAdd(QmpCall.deviceAdd(device), Duration.ofSeconds(1));
            monitor.requestDeviceDel(NAME);
        } catch (RuntimeException ignored) {
            // as above
        }
        VmRecordFile.warmUp();
        // JNA's native library loaded and libc bound, as the first VM lock does: close(-1) fails with EBADF, no more
        Posix.closeQuietly(-1);
        // a UNIX socket and a selector opened and closed unconnected: the classes (and the random source of the JDK's
        // UNIX sockets) every connection to QEMU initialises on first use
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX); Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            selector.selectNow();
        } catch (IOException | RuntimeException ignored) {
            // as above
        }
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("line", 1).put("command", "warm-up").put("exit", 0).put("stdout", "{}").put("stderr", "");
        JsonLine.print(new PrintWriter(Writer.nullWriter()), line);
    }

    /**
     * A QEMU monitor in memory: the greeting, then a reply to each command the client writes (echoing its id), as
     * QEMU answers the commands of an attach and an unplug.
     */
    static final class ScriptedQemu implements QmpTransport {
        private final Deque<byte[]> toRead = new ArrayDeque<>();
        private byte[] reading;
        private int readAt;

        ScriptedQemu() {
            toRead.add(line("{\"QMP\":{\"version\":{\"qemu\":{\"micro\":0,\"minor\":2,\"major\":7},\"package\":\"\"},"
                    + "\"capabilities\":[\"oob\"]}}"));
        }

        @Override
        public int read(ByteBuffer dst, long timeoutNanos) {
            if (reading == null || readAt == reading.length) {
                reading = toRead.poll();
                readAt = 0;
                if (reading == null) {
                    return 0;
                }
            }
            int n = Math.min(dst.remaining(), reading.length - readAt);
            dst.put(reading, readAt, n);
            readAt += n;
            return n;
        }

        @Override
        public void write(ByteBuffer src, long timeoutNanos) {
            byte[] b = new byte[src.remaining()];
            src.get(b);
            for (String command : new String(b, StandardCharsets.UTF_8).split("\n")) {
                if (!command.isBlank()) {
                    answer(command);
                }
            }
        }

        private void answer(String text) {
            JsonNode command;
            try {
                command = JsonTrees.parse(text);
            } catch (IOException e) {
                return;
            }
            String execute = command.path("execute").asText();
            String id = command.has("id") ? ",\"id\":" + JsonTrees.toJson(command.get("id")) : "";
            String result;
            if (execute.equals("query-status")) {
                result = "{\"status\":\"running\",\"singlestep\":false,\"running\":true}";
            } else if (execute.equals("qom-list")) {
                result = "[{\"name\":\"type\",\"type\":\"string\"},{\"name\":\"" + NAME + "\",\"type\":\"child<e1000e>\"}]";
            } else {
                result = "{}";
            }
            toRead.add(line("{\"return\":" + result + id + "}"));
            if (execute.equals("device_del")) {
                toRead.add(line("{\"timestamp\":{\"seconds\":1,\"microseconds\":0},\"event\":\"DEVICE_DELETED\",\"data\":{\"device\":\""
                        + NAME + "\",\"path\":\"/machine/peripheral/" + NAME + "\"}}"));
            }
        }

        private static byte[] line(String json) {
            return (json + "\n").getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String describe() {
            return "a QEMU stand-in in memory (batch warm-up)";
        }

        @Override
        public void close() {
        }
    }
}
