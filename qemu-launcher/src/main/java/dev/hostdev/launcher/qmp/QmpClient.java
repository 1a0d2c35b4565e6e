package dev.hostdev.launcher.qmp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.json.JsonTrees;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * A QMP connection. {@link #open} reads the greeting and negotiates capabilities; then
 * {@link #execute} sends a command and waits, under a timeout, for its reply: matched by a fresh
 * {@code id}, or, for a command alone in flight, sent without one and answered by the next reply
 * without one (QEMU answers in-band commands in order). Replies go to the command waiting for them (in whatever order they come), events to
 * whoever awaits a matching one, or to a bounded backlog so an event that comes before its waiter is
 * not lost.
 *
 * <p>No thread of its own: a caller that waits reads the connection itself, one at a time, and hands
 * what is not its own to the others (who wait meanwhile). A command's reply thus reaches its caller
 * straight from the socket, as a bare socket's would: a reader thread in between cost a thread wake-up
 * per message, which on a VM doubled the time of a short command.
 *
 * <p>Once the connection fails (EOF, garbage, an oversized message, an I/O error) every waiting call
 * and every later call fails with the same reason; nothing hangs.
 */
public final class QmpClient implements AutoCloseable {
    /** Events kept for waiters that register after they arrived; the oldest are dropped beyond this. */
    static final int EVENT_BACKLOG = 1024;

    private final QmpTransport transport;
    private final QmpOptions options;
    private final QmpLineReader lines;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Object writeLock = new Object();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a message has been handed out, the connection failed, or the reader stopped reading. */
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private boolean reading;
    private final Map<String, Slot> pending = new HashMap<>();
    /** The one command sent without an id, if any; see {@link #execute(String, JsonNode, Duration)}. */
    private Slot withoutId;
    /** Set once a command sent without an id went unanswered: its late reply could not be told apart. */
    private boolean idsAlways;
    private final Slot greeting = Slot.greeting();
    private final ArrayDeque<QmpEvent> backlog = new ArrayDeque<>();
    private final List<Slot> waiters = new ArrayList<>();
    private volatile HostdevException failure;
    private volatile boolean closing;

    /** Where one awaited message (a reply, an event, the greeting) or the failure instead is put. */
    private static final class Slot {
        final String what;
        final String command;
        final Predicate<QmpEvent> predicate;
        Object value;
        HostdevException error;
        boolean done;

        private Slot(String what, String command, Predicate<QmpEvent> predicate) {
            this.what = what;
            this.command = command;
            this.predicate = predicate;
        }

        static Slot greeting() {
            return new Slot("the QMP greeting", null, null);
        }

        static Slot reply(String command) {
            return new Slot("'" + command + "'", command, null);
        }

        static Slot event(String what, Predicate<QmpEvent> predicate) {
            return new Slot(what, null, predicate);
        }

        void complete(Object v) {
            value = v;
            done = true;
        }

        void fail(HostdevException e) {
            if (!done) {
                error = e;
                done = true;
            }
        }
    }

    private QmpClient(QmpTransport transport, QmpOptions options) {
        this.transport = transport;
        this.options = options;
        this.lines = new QmpLineReader(transport, options.maxMessageBytes());
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
        QmpClient client = new QmpClient(transport, options);
        try {
            client.awaitGreeting();
            client.execute("qmp_capabilities");
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void awaitGreeting() {
        if (!await(greeting, System.nanoTime() + options.commandTimeout().toNanos())) {
            throw new HostdevException(ErrorCode.TIMEOUT, "no QMP greeting on " + transport.describe() + " within "
                    + seconds(options.commandTimeout()), "another client may hold the QMP monitor (QEMU serves one at a time)");
        }
        if (greeting.error != null) {
            throw rethrown(greeting.error, "the QMP greeting");
        }
        JsonNode g = (JsonNode) greeting.value;
        if (!g.path("QMP").isObject()) {
            throw new HostdevException(ErrorCode.QMP, "the first message on " + transport.describe()
                    + " is not a QMP greeting: " + abbreviate(JsonTrees.toJson(g)), "is this socket a QMP monitor?");
        }
    }

    /** The greeting QEMU sent, e.g. {@code {"QMP":{"version":{"qemu":{"major":7,...}}}}}. */
    public JsonNode greeting() {
        lock.lock();
        try {
            return greeting.error == null ? (JsonNode) greeting.value : null;
        } finally {
            lock.unlock();
        }
    }

    /** QEMU's version from the greeting, e.g. {@code 7.2.22}. */
    public String qemuVersion() {
        return QemuVersion.ofGreeting(greeting()).toString();
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
        return submit(command, arguments, timeout).await();
    }

    /**
     * Sends {@code command} now and returns at once: {@link Pending#await} waits for the reply. The
     * caller can do its own work meanwhile, or send further commands, which QEMU runs in order after
     * this one. Every {@code Pending} must be awaited, or the connection closed.
     *
     * @throws HostdevException (QMP) when the connection has failed or the command cannot be sent
     */
    public Pending submit(String command, JsonNode arguments, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        ObjectNode msg = JsonNodeFactory.instance.objectNode();
        msg.put("execute", command);
        if (arguments != null && !arguments.isNull()) {
            msg.set("arguments", arguments);
        }
        Slot reply = Slot.reply(command);
        String id = null;
        lock.lock();
        try {
            if (failure() != null) {
                throw forCommand(failure, reply.what);
            }
            // QEMU takes a QMP command in one byte per turn of its main loop (about 8 us each on a VM),
            // and answers commands in the order they came: a command alone in flight goes without an id
            // (its reply is the next one without an id), others with a short one ("h3f").
            if (withoutId == null && pending.isEmpty() && !idsAlways) {
                withoutId = reply;
            } else {
                id = "h" + Long.toString(nextId.getAndIncrement(), 36);
                pending.put(id, reply);
            }
        } finally {
            lock.unlock();
        }
        if (id != null) {
            msg.put("id", id);
        }
        Pending p = new Pending(command, reply, id, deadline, timeout);
        try {
            send(msg, command, deadline);
        } catch (RuntimeException e) {
            p.forget();
            throw e;
        }
        return p;
    }

    /** A command sent, its reply still to come; see {@link #submit}. */
    public final class Pending {
        private final String command;
        private final Slot reply;
        private final String id;
        private final long deadline;
        private final Duration timeout;

        private Pending(String command, Slot reply, String id, long deadline, Duration timeout) {
            this.command = command;
            this.reply = reply;
            this.id = id;
            this.deadline = deadline;
            this.timeout = timeout;
        }

        /**
         * Waits for the reply, until the command's timeout from when it was sent.
         *
         * @return the reply's {@code return} member
         * @throws QmpCommandException when QEMU answers with an error (class and description verbatim)
         * @throws HostdevException    (TIMEOUT) when no reply comes in time; (QMP) when the connection fails first
         */
        public JsonNode await() {
            try {
                if (!QmpClient.this.await(reply, deadline)) {
                    throw new HostdevException(ErrorCode.TIMEOUT, "QEMU did not answer '" + command + "' within " + seconds(timeout)
                            + " on " + transport.describe(), "QEMU may be stuck; 'hostdev vm stop --force' ends it");
                }
                if (reply.error != null) {
                    throw rethrown(reply.error, reply.what);
                }
                return (JsonNode) reply.value;
            } finally {
                forget();
            }
        }

        private void forget() {
            lock.lock();
            try {
                if (id != null) {
                    pending.remove(id);
                } else if (withoutId == reply) {
                    idsAlways |= !reply.done;
                    withoutId = null;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    private void send(ObjectNode msg, String command, long deadline) {
        byte[] bytes;
        try {
            bytes = (JsonTrees.toJson(msg) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            throw new HostdevException(ErrorCode.INTERNAL, "cannot encode QMP command " + command, null, e);
        }
        synchronized (writeLock) {
            options.transcript().record("-> " + new String(bytes, 0, bytes.length - 1, StandardCharsets.UTF_8));
            try {
                transport.write(ByteBuffer.wrap(bytes), deadline - System.nanoTime());
            } catch (IOException e) {
                throw new HostdevException(ErrorCode.QMP, "cannot send '" + command + "' to QEMU on " + transport.describe()
                        + ": " + e, "QEMU may have exited; see 'hostdev vm status'", e);
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
        long deadline = System.nanoTime() + timeout.toNanos();
        Slot w = Slot.event(what, predicate);
        lock.lock();
        try {
            for (Iterator<QmpEvent> it = backlog.iterator(); it.hasNext();) {
                QmpEvent e = it.next();
                if (predicate.test(e)) {
                    it.remove();
                    return e;
                }
            }
            if (failure() != null) {
                throw forCommand(failure, what);
            }
            waiters.add(w);
        } finally {
            lock.unlock();
        }
        try {
            if (!await(w, deadline)) {
                throw new HostdevException(ErrorCode.TIMEOUT, "no " + what + " within " + seconds(timeout), null);
            }
            if (w.error != null) {
                throw rethrown(w.error, what);
            }
            return (QmpEvent) w.value;
        } finally {
            lock.lock();
            try {
                waiters.remove(w);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Events received and not taken by a waiter, oldest first (at most {@value #EVENT_BACKLOG}); reads what has arrived first. */
    public List<QmpEvent> backlog() {
        lock.lock();
        try {
            readWhatHasArrived();
            return List.copyOf(backlog);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the connection still works, as far as what has arrived tells. */
    public boolean isOpen() {
        lock.lock();
        try {
            readWhatHasArrived();
            return failure() == null;
        } finally {
            lock.unlock();
        }
    }

    /** Hands out every message already received, without waiting; with the lock held. */
    private void readWhatHasArrived() {
        while (!reading && failure() == null && readOne(0)) {
            // next
        }
    }

    /**
     * Waits until {@code slot} is done or {@code deadline} passes, reading the connection meanwhile
     * unless another caller is. Returns whether it is done.
     */
    private boolean await(Slot slot, long deadline) {
        lock.lock();
        try {
            while (!slot.done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                if (reading) {
                    changed.awaitNanos(left);
                } else {
                    readOne(left);
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.QMP, "interrupted while waiting for " + slot.what, null, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reads one message (waiting up to {@code timeoutNanos}) with the lock released, then hands it out
     * with the lock held again. Called with the lock held and nobody reading. Returns whether a message
     * came (or the connection failed).
     */
    private boolean readOne(long timeoutNanos) {
        reading = true;
        byte[] line = null;
        HostdevException broken = null;
        lock.unlock();
        try {
            line = lines.next(timeoutNanos);
            if (line == null) {
                broken = new HostdevException(ErrorCode.QMP, "QEMU closed the QMP connection " + transport.describe(),
                        "QEMU has probably exited; see 'hostdev vm status' and the VM's qemu.log");
            } else if (line != QmpLineReader.NOTHING_YET) {
                options.transcript().record("<- " + new String(line, StandardCharsets.UTF_8).strip());
            }
        } catch (HostdevException e) {
            broken = e;
        } catch (IOException | RuntimeException e) {
            broken = closing ? closed()
                    : new HostdevException(ErrorCode.QMP, "reading from the QMP connection " + transport.describe()
                            + " failed: " + e.getMessage(), null, e);
        } finally {
            lock.lock();
            reading = false;
        }
        try {
            if (broken != null) {
                fail(broken);
                return true;
            }
            if (line == QmpLineReader.NOTHING_YET) {
                return false;
            }
            dispatch(line);
            return true;
        } catch (HostdevException e) {
            fail(e);
            return true;
        } finally {
            changed.signalAll();
        }
    }

    private void dispatch(byte[] line) {
        JsonNode parsed;
        try {
            parsed = JsonTrees.parse(line);
        } catch (IOException e) {
            parsed = null;
        }
        if (parsed == null || !parsed.isObject()) {
            throw new HostdevException(ErrorCode.QMP, "QEMU sent something that is not a QMP message on "
                    + transport.describe() + ": " + abbreviate(new String(line, StandardCharsets.UTF_8)), "is this socket a QMP monitor?");
        }
        ObjectNode msg = (ObjectNode) parsed;
        if (msg.has("QMP")) {
            greeting.complete(msg);
        } else if (msg.has("event")) {
            JsonNode ts = msg.path("timestamp");
            long micros = ts.path("seconds").asLong() * 1_000_000L + ts.path("microseconds").asLong();
            deliver(new QmpEvent(msg.get("event").asText(), msg.get("data"), micros));
        } else if (msg.has("return") || msg.has("error")) {
            if (!greeting.done) {
                greeting.complete(msg); // awaitGreeting reports it as "not a greeting"
                return;
            }
            JsonNode id = msg.get("id");
            Slot p = id == null || id.isNull() ? withoutId : pending.get(id.asText());
            if (p == null) {
                options.transcript().record("   (reply to no waiting command; dropped)");
                return;
            }
            if (msg.has("error")) {
                JsonNode err = msg.get("error");
                p.fail(new QmpCommandException(p.command,
                        err.path("class").asText("?"), err.path("desc").asText("")));
            } else {
                p.complete(msg.get("return"));
            }
        } else if (!greeting.done) {
            greeting.complete(msg);
        } else {
            options.transcript().record("   (unknown message kind; ignored)");
        }
    }

    private void deliver(QmpEvent event) {
        for (Iterator<Slot> it = waiters.iterator(); it.hasNext();) {
            Slot w = it.next();
            if (w.predicate.test(event)) {
                it.remove();
                w.complete(event);
                return;
            }
        }
        if (backlog.size() == EVENT_BACKLOG) {
            backlog.removeFirst();
        }
        backlog.addLast(event);
    }

    /** Fails the connection for good: every waiter now, every later call at once. With the lock held. */
    private void fail(HostdevException reason) {
        if (failure == null) {
            failure = reason;
        }
        for (Slot w : waiters) {
            w.fail(failure);
        }
        waiters.clear();
        greeting.fail(failure);
        for (Slot p : pending.values()) {
            p.fail(failure);
        }
        if (withoutId != null) {
            withoutId.fail(failure);
        }
        changed.signalAll();
    }

    /** Why the connection no longer works, or {@code null}; closed by {@link #close}, it is "closed". With the lock held. */
    private HostdevException failure() {
        if (failure == null && closing) {
            failure = closed();
        }
        return failure;
    }

    private HostdevException closed() {
        return new HostdevException(ErrorCode.QMP, "the QMP connection " + transport.describe() + " was closed", null);
    }

    /** Closes the connection; waiting calls fail with "closed". */
    @Override
    public void close() {
        closing = true;
        try {
            transport.close();
        } catch (IOException ignored) {
            // closing: nothing more to do with it
        }
        lock.lock();
        try {
            if (waiters.isEmpty() && pending.isEmpty() && withoutId == null && greeting.done) {
                // nobody to tell: the exception (a stack walk) is made only if a later call asks, see failure()
                changed.signalAll();
            } else {
                fail(closed());
            }
        } finally {
            lock.unlock();
        }
        options.transcript().close();
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

}
