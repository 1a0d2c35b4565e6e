package dev.hostdev.engine.state;

import com.sun.jna.LastErrorException;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
        int fd;
        try {
            Files.createDirectories(file.getParent());
            fd = Flock.open(file.toString());
        } catch (IOException e) {
            throw cannotLock(file, e.getMessage(), e);
        } catch (LastErrorException e) {
            throw cannotLock(file, Errno.describe(e.getErrorCode()), e);
        }
        boolean locked;
        try {
            locked = Flock.tryLock(fd);
        } catch (LastErrorException e) {
            Flock.close(fd);
            throw cannotLock(file, Errno.describe(e.getErrorCode()), e);
        }
        if (!locked) {
            Flock.close(fd);
            throw new HostdevException(ErrorCode.BUSY,
                    device + " is being changed by another Hostdev process: " + describeHolder(file),
                    "wait for it to finish and try again; if it hangs, look at that process");
        }
        try {
            Files.writeString(file, ProcessHandle.current().pid() + "\n" + requester + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            Flock.unlockAndClose(fd);
            throw cannotLock(file, e.getMessage(), e);
        }
        return new DeviceLock(device, fd);
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
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (DeviceLock probe = acquireQuietly(device, file)) {
            return probe == null ? Optional.of(describeHolder(file)) : Optional.empty();
        }
    }

    private DeviceLock acquireQuietly(PciAddress device, Path file) {
        int fd = Flock.open(file.toString());
        if (Flock.tryLock(fd)) {
            return new DeviceLock(device, fd);
        }
        Flock.close(fd);
        return null;
    }

    /** Reads the holder's pid and purpose; retries briefly as the winner may not have written them yet. */
    private static String describeHolder(Path file) {
        String text = "";
        for (int i = 0; i < 20; i++) {
            try {
                text = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
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

    private static HostdevException cannotLock(Path file, String why, Throwable cause) {
        return new HostdevException(ErrorCode.ENVIRONMENT, "cannot lock " + file + ": " + why,
                "Hostdev keeps its locks under /run/hostdev: check that it is writable (run as root)", cause);
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
