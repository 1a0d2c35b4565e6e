package dev.hostdev.engine.state;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Per-device locks: {@code flock} on {@code /run/hostdev/locks/<address>.lock}. Of two processes that
 * claim the same device, exactly one gets the lock; the other is refused with {@link ErrorCode#BUSY}
 * naming the holder's pid and what it runs (the holder writes them into the lock file).
 */
public final class DeviceLocks {
    private final StateDirectory dir;
    private final String requester;

    /**
     * @param dir       the state directory
     * @param requester what this process is doing, shown to a process refused the lock (e.g. {@code hostdev detach})
     */
    public DeviceLocks(StateDirectory dir, String requester) {
        this.dir = dir;
        this.requester = requester.replace('\n', ' ');
    }

    /**
     * Locks one device without waiting.
     *
     * @throws HostdevException BUSY naming the holder if another process (or another operation of this one) holds it
     */
    public DeviceLock acquire(PciAddress device) {
        Path file = dir.lockFile(device);
        dir.prepare(dir.locksDir());
        return held(device, LockFile.tryLock(file), file, "is being changed by another Hostdev process");
    }

    /**
     * Locks one device, waiting up to {@code wait} for another process to release it (e.g. two {@code vm start}s
     * choosing among the VFs of one physical function, one after the other).
     *
     * @throws HostdevException BUSY naming the holder if it is still held after {@code wait}
     */
    public DeviceLock acquire(PciAddress device, java.time.Duration wait) {
        Path file = dir.lockFile(device);
        dir.prepare(dir.locksDir());
        Optional<LockFile> got;
        try {
            got = LockFile.lock(file, wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            got = Optional.empty();
        }
        return held(device, got, file, "is still held by another Hostdev process after " + wait.toSeconds() + " s");
    }

    /** The lock got, with this process written in as its holder; BUSY naming the holder when it was not got. */
    private DeviceLock held(PciAddress device, Optional<LockFile> got, Path file, String refusal) {
        LockFile lock = got.orElseThrow(() -> new HostdevException(ErrorCode.BUSY,
                device + " " + refusal + ": " + describeHolder(file),
                "wait for it to finish and try again; if it hangs, look at that process"));
        try {
            lock.describeHolder(ProcessHandle.current().pid() + "\n" + requester + "\n");
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        return new DeviceLock(device, lock);
    }

    /**
     * Locks several devices, in address order (so two processes locking overlapping sets cannot deadlock),
     * all or none.
     */
    public LockSet acquireAll(Collection<PciAddress> devices) {
        List<DeviceLock> held = new ArrayList<>();
        try {
            for (PciAddress d : new TreeSet<>(devices)) {
                held.add(acquire(d));
            }
        } catch (RuntimeException e) {
            held.forEach(DeviceLock::close);
            throw e;
        }
        return new LockSet(held);
    }

    /** Who holds the device's lock now, e.g. {@code pid 1234 (hostdev detach)}, or empty if nobody does. */
    public Optional<String> holder(PciAddress device) {
        Path file = dir.lockFile(device);
        if (!dir.existing(dir.locksDir()) || !TrustRules.exists(file)) {
            return Optional.empty();
        }
        Optional<LockFile> probe = LockFile.tryLock(file);
        probe.ifPresent(LockFile::close);
        return probe.isPresent() ? Optional.empty() : Optional.of(describeHolder(file));
    }

    /** Reads the holder's pid and purpose; retries briefly as the winner may not have written them yet. */
    private static String describeHolder(Path file) {
        String text = "";
        for (int i = 0; i < 20; i++) {
            try {
                text = TrustRules.read(file).map(b -> new String(b, StandardCharsets.UTF_8)).orElse("").strip();
            } catch (IOException | RuntimeException e) {
                text = "";
            }
            String[] lines = text.split("\n", 2);
            if (!text.isEmpty() && lines.length == 2 && isAlive(lines[0])) {
                return "pid " + lines[0].strip() + " (" + lines[1].strip() + ")";
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return text.isEmpty() ? "a process that has not said who it is" : "pid " + text.replace('\n', ' ');
    }

    private static boolean isAlive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid.strip())).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Several held locks, released together. */
    public static final class LockSet implements AutoCloseable {
        private final List<DeviceLock> locks;

        LockSet(List<DeviceLock> locks) {
            this.locks = new ArrayList<>(locks);
        }

        /** Adds a lock on one more device (e.g. another device of a journal being recovered). */
        public void add(DeviceLock lock) {
            locks.add(lock);
        }

        /** Whether the set holds the device's lock. */
        public boolean holds(PciAddress device) {
            return locks.stream().anyMatch(l -> l.device().equals(device));
        }

        @Override
        public void close() {
            for (int i = locks.size() - 1; i >= 0; i--) {
                locks.get(i).close();
            }
            locks.clear();
        }
    }
}
