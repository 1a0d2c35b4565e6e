package dev.hostdev.launcher.vm;

import dev.hostdev.engine.posix.Posix;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The service manager's side of {@code sd_notify}, for tests: a datagram Unix socket bound to a name (a path,
 * or {@code @abstract}), as systemd binds the one it passes in {@code NOTIFY_SOCKET}, through the same native
 * seam Hostdev sends with. Keeps every message received.
 */
public final class NotifySocketListener implements AutoCloseable {
    private final int fd;
    private final String name;
    private final List<String> messages = new ArrayList<>();

    private NotifySocketListener(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /** Binds a listener to {@code name}. */
    public static NotifySocketListener bind(String name) {
        int fd = Posix.unixDatagramSocket();
        try {
            Posix.bindUnix(fd, name);
        } catch (RuntimeException e) {
            Posix.closeQuietly(fd);
            throw e;
        }
        return new NotifySocketListener(fd, name);
    }

    /** The name to put in {@code NOTIFY_SOCKET}. */
    public String name() {
        return name;
    }

    /** Every message received so far, in order. */
    public synchronized List<String> messages() {
        drain();
        return List.copyOf(messages);
    }

    /**
     * Waits until a received message matches.
     *
     * @return the message
     * @throws AssertionError when none came within {@code timeout}, naming what did
     */
    public String await(Predicate<String> matching, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            synchronized (this) {
                drain();
                for (String m : messages) {
                    if (matching.test(m)) {
                        return m;
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " on " + name + " within " + timeout + "; received " + messages());
            }
            Thread.sleep(10);
        }
    }

    private void drain() {
        byte[] buf = new byte[4096];
        int n;
        while ((n = Posix.receiveNow(fd, buf)) >= 0) {
            messages.add(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        Posix.closeQuietly(fd);
    }
}
