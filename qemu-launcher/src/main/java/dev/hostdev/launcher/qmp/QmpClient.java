package dev.hostdev.launcher.qmp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A QMP connection. {@link #open} reads the greeting and negotiates capabilities; then
 * {@link #execute} sends a command with a fresh {@code id} and waits, under a timeout, for the reply
 * with that id. One reader thread takes every message off the wire: replies go to the command
 * waiting for them (in whatever order they come), events to whoever awaits a matching one, or to a
 * bounded backlog so an event that comes before its waiter is not lost.
 *
 * <p>Once the connection fails (EOF, garbage, an oversized message, an I/O error) every waiting call
 * and every later call fails with the same reason; nothing hangs.
 */
public final class QmpClient implements AutoCloseable {
    /** Events kept for waiters that register after they arrived; the oldest are dropped beyond this. */
    static final int EVENT_BACKLOG = 1024;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final QmpTransport transport;
    private final QmpOptions options;
    private final OutputStream out;
    private final Object writeLock = new Object();
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(1);
    private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
    private final Object eventLock = new Object();
    private final ArrayDeque<QmpEvent> backlog = new ArrayDeque<>();
    private final List<EventWaiter> waiters = new ArrayList<>();
    private volatile HostdevException failure;
    private volatile boolean closing;
    private final Thread reader;

    private record Pending(String command, CompletableFuture<JsonNode> reply) {
    }

    private record EventWaiter(Predicate<QmpEvent> predicate, CompletableFuture<QmpEvent> event) {
    }

    private QmpClient(QmpTransport transport, QmpOptions options) throws IOException {
        this.transport = transport;
        this.options = options;
        this.out = transport.output();
        QmpLineReader lines = new QmpLineReader(transport.input(), options.maxMessageBytes());
        this.reader = new Thread(() -> readLoop(lines), "qmp-reader " + transport.describe());
        this.reader.setDaemon(true);
    }

    /**
     * Connects to the QMP socket at {@code socket} and negotiates capabilities.
     *
     * @throws HostdevException (QMP) if nothing answers, (TIMEOUT) if the greeting does not come
     */
    public static QmpClient connect(Path socket, QmpOptions options) {
        return open(UnixSocketTransport.connect(socket), options);
    }

    /**
     * Starts a conversation over {@code transport}: waits for the greeting and sends
     * {@code qmp_capabilities}. The transport is closed if this fails.
     */
    public static QmpClient open(QmpTransport transport, QmpOptions options) {
        QmpClient client;
        try {
            client = new QmpClient(transport, options);
        } catch (IOException e) {
            closeQuietly(transport);
            throw new HostdevException(ErrorCode.QMP, "cannot open the QMP connection " + transport.describe() + ": " + e.getMessage(), null, e);
        }
        try {
            client.reader.start();
            client.awaitGreeting();
            client.execute("qmp_capabilities");
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void awaitGreeting() {
        try {
            JsonNode g = greeting.get(options.commandTimeout().toNanos(), TimeUnit.NANOSECONDS);
            if (!g.path("QMP").isObject()) {
                throw new HostdevException(ErrorCode.QMP, "the first message on " + transport.describe()
                        + " is not a QMP greeting: " + abbreviate(g.toString()), "is this socket a QMP monitor?");
            }
        } catch (TimeoutException e) {
            throw new HostdevException(ErrorCode.TIMEOUT, "no QMP greeting on " + transport.describe() + " within "
                    + seconds(options.commandTimeout()), "another client may hold the QMP monitor (QEMU serves one at a time)");
        } catch (ExecutionException e) {
            throw rethrown(e.getCause(), "the QMP greeting");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.QMP, "interrupted while waiting for the QMP greeting", null, e);
        }
    }

    /** The greeting QEMU sent, e.g. {@code {"QMP":{"version":{"qemu":{"major":7,...}}}}}. */
    public JsonNode greeting() {
        return greeting.getNow(null);
    }

    /** QEMU's version from the greeting, e.g. {@code 7.2.22}. */
    public String qemuVersion() {
        JsonNode q = greeting().path("QMP").path("version").path("qemu");
        return q.path("major").asInt() + "." + q.path("minor").asInt() + "." + q.path("micro").asInt();
    }

    /** Runs a command without arguments under the default timeout; returns its {@code return} value. */
    public JsonNode execute(String command) {
        return execute(command, null, options.commandTimeout());
    }

    /** Runs a command under the default timeout; returns its {@code return} value. */
    public JsonNode execute(String command, JsonNode arguments) {
        return execute(command, arguments, options.commandTimeout());
    }

    /**
     * Sends {@code command} with {@code arguments} (may be {@code null}) and waits for its reply.
     *
     * @return the reply's {@code return} member
     * @throws QmpCommandException when QEMU answers with an error (class and description verbatim)
     * @throws HostdevException    (TIMEOUT) when no reply comes within {@code timeout}; (QMP) when the
     *                             connection fails first
     */
    public JsonNode execute(String command, JsonNode arguments, Duration timeout) {
        String id = "hostdev-" + nextId.getAndIncrement();
        ObjectNode msg = MAPPER.createObjectNode();
        msg.put("execute", command);
        if (arguments != null && !arguments.isNull()) {
            msg.set("arguments", arguments);
        }
        msg.put("id", id);
        Pending p = new Pending(command, new CompletableFuture<>());
        pending.put(id, p);
        try {
            HostdevException failed = failure;
            if (failed != null) {
                throw forCommand(failed, command);
            }
            send(msg, command);
            return p.reply().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HostdevException(ErrorCode.TIMEOUT, "QEMU did not answer '" + command + "' within " + seconds(timeout)
                    + " on " + transport.describe(), "QEMU may be stuck; 'hostdev vm stop --force' ends it");
        } catch (ExecutionException e) {
            throw rethrown(e.getCause(), "'" + command + "'");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.QMP, "interrupted while waiting for '" + command + "'", null, e);
        } finally {
            pending.remove(id);
        }
    }

    private void send(ObjectNode msg, String command) {
        byte[] bytes;
        try {
            bytes = (MAPPER.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new HostdevException(ErrorCode.INTERNAL, "cannot encode QMP command " + command, null, e);
        }
        synchronized (writeLock) {
            options.transcript().record("-> " + new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8));
            try {
                out.write(bytes);
                out.flush();
            } catch (IOException e) {
                throw new HostdevException(ErrorCode.QMP, "cannot send '" + command + "' to QEMU on " + transport.describe()
                        + ": " + e.getMessage(), "QEMU may have exited; see 'hostdev vm status'", e);
            }
        }
    }

    /**
     * Waits for an event matching {@code predicate}. An event that arrived since the connection opened
     * and was not yet taken by another waiter counts: it is taken from the backlog.
     *
     * @param what     what is awaited, for the timeout message, e.g. "DEVICE_DELETED for net1"
     * @throws HostdevException (TIMEOUT) naming {@code what}; (QMP) if the connection fails first
     */
    public QmpEvent awaitEvent(String what, Predicate<QmpEvent> predicate, Duration timeout) {
        EventWaiter w = new EventWaiter(predicate, new CompletableFuture<>());
        synchronized (eventLock) {
            for (Iterator<QmpEvent> it = backlog.iterator(); it.hasNext();) {
                QmpEvent e = it.next();
                if (predicate.test(e)) {
                    it.remove();
                    return e;
                }
            }
            if (failure != null) {
                throw forCommand(failure, what);
            }
            waiters.add(w);
        }
        try {
            return w.event().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new HostdevException(ErrorCode.TIMEOUT, "no " + what + " within " + seconds(timeout), null);
        } catch (ExecutionException e) {
            throw rethrown(e.getCause(), what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.QMP, "interrupted while waiting for " + what, null, e);
        } finally {
            synchronized (eventLock) {
                waiters.remove(w);
            }
        }
    }

    /** Events received and not taken by a waiter, oldest first (at most {@value #EVENT_BACKLOG}). */
    public List<QmpEvent> backlog() {
        synchronized (eventLock) {
            return List.copyOf(backlog);
        }
    }

    /** Whether the connection still works. */
    public boolean isOpen() {
        return failure == null;
    }

    private void readLoop(QmpLineReader lines) {
        HostdevException end;
        try {
            byte[] line;
            while ((line = lines.next()) != null) {
                String text = new String(line, StandardCharsets.UTF_8);
                options.transcript().record("<- " + text.strip());
                JsonNode msg;
                try {
                    msg = MAPPER.readTree(line);
                } catch (IOException e) {
                    msg = null;
                }
                if (msg == null || !msg.isObject()) {
                    throw new HostdevException(ErrorCode.QMP, "QEMU sent something that is not a QMP message on "
                            + transport.describe() + ": " + abbreviate(text), "is this socket a QMP monitor?");
                }
                dispatch((ObjectNode) msg);
            }
            end = new HostdevException(ErrorCode.QMP, "QEMU closed the QMP connection " + transport.describe(),
                    "QEMU has probably exited; see 'hostdev vm status' and the VM's qemu.log");
        } catch (HostdevException e) {
            end = e;
        } catch (IOException | RuntimeException e) {
            end = closing ? new HostdevException(ErrorCode.QMP, "the QMP connection " + transport.describe() + " was closed", null)
                    : new HostdevException(ErrorCode.QMP, "reading from the QMP connection " + transport.describe()
                            + " failed: " + e.getMessage(), null, e);
        }
        fail(end);
    }

    private void dispatch(ObjectNode msg) {
        if (msg.has("QMP")) {
            greeting.complete(msg);
        } else if (msg.has("event")) {
            JsonNode ts = msg.path("timestamp");
            long micros = ts.path("seconds").asLong() * 1_000_000L + ts.path("microseconds").asLong();
            deliver(new QmpEvent(msg.get("event").asText(), msg.get("data"), micros));
        } else if (msg.has("return") || msg.has("error")) {
            if (!greeting.isDone()) {
                greeting.complete(msg); // awaitGreeting reports it as "not a greeting"
                return;
            }
            JsonNode id = msg.get("id");
            Pending p = id == null ? null : pending.get(id.asText());
            if (p == null) {
                options.transcript().record("   (reply to no waiting command; dropped)");
                return;
            }
            if (msg.has("error")) {
                JsonNode err = msg.get("error");
                p.reply().completeExceptionally(new QmpCommandException(p.command(),
                        err.path("class").asText("?"), err.path("desc").asText("")));
            } else {
                p.reply().complete(msg.get("return"));
            }
        } else if (!greeting.isDone()) {
            greeting.complete(msg);
        } else {
            options.transcript().record("   (unknown message kind; ignored)");
        }
    }

    private void deliver(QmpEvent event) {
        synchronized (eventLock) {
            for (Iterator<EventWaiter> it = waiters.iterator(); it.hasNext();) {
                EventWaiter w = it.next();
                if (w.predicate().test(event)) {
                    it.remove();
                    w.event().complete(event);
                    return;
                }
            }
            if (backlog.size() == EVENT_BACKLOG) {
                backlog.removeFirst();
            }
            backlog.addLast(event);
        }
    }

    private void fail(HostdevException reason) {
        synchronized (eventLock) {
            if (failure == null) {
                failure = reason;
            }
            for (EventWaiter w : waiters) {
                w.event().completeExceptionally(reason);
            }
            waiters.clear();
        }
        greeting.completeExceptionally(reason);
        for (Pending p : pending.values()) {
            p.reply().completeExceptionally(reason);
        }
    }

    private static RuntimeException rethrown(Throwable cause, String waitingFor) {
        if (cause instanceof QmpCommandException q) {
            return new QmpCommandException(q.command(), q.errorClass(), q.description());
        }
        if (cause instanceof HostdevException h) {
            return forCommand(h, waitingFor);
        }
        return new HostdevException(ErrorCode.INTERNAL, "unexpected failure waiting for " + waitingFor + ": " + cause, null, cause);
    }

    /** The connection's failure restated for one waiter, so its message says what was waiting. */
    private static HostdevException forCommand(HostdevException reason, String waitingFor) {
        return new HostdevException(reason.code(), reason.getMessage() + " (while waiting for " + waitingFor + ")",
                reason.hint(), reason);
    }

    private static String abbreviate(String s) {
        String t = s.strip();
        return t.length() <= 200 ? t : t.substring(0, 200) + "…";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(java.util.Locale.ROOT, "%.3f s", d.toMillis() / 1000.0);
    }

    private static void closeQuietly(QmpTransport t) {
        try {
            t.close();
        } catch (IOException ignored) {
            // closing after a failure; the failure is what gets reported
        }
    }

    /** Closes the connection; waiting calls fail with "closed". */
    @Override
    public void close() {
        closing = true;
        closeQuietly(transport);
        fail(new HostdevException(ErrorCode.QMP, "the QMP connection " + transport.describe() + " was closed", null));
        if (Thread.currentThread() != reader) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        options.transcript().close();
    }
}
