package dev.hostdev.launcher.vm;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.launcher.cmdline.VmRuntimePaths;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * A VM's runtime directory ({@code $HOSTDEV_RUN_DIR/NAME}, mode 0700) and what Hostdev keeps there
 * beside QEMU's socket and pid file: {@code state.json}, QEMU's output ({@code qemu.log}), the QMP
 * transcript ({@code qmp.log}), the supervisor's log, and a lock serialising commands that change the VM.
 */
public final class VmRuntimeDir {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final String name;
    private final VmRuntimePaths paths;

    /** The runtime directory of VM {@code name} under {@code vmsDir}. */
    public VmRuntimeDir(Path vmsDir, String name) {
        this.name = name;
        this.paths = VmRuntimePaths.of(vmsDir, name);
    }

    /** The directory given by a plan. */
    public VmRuntimeDir(String name, VmRuntimePaths paths) {
        this.name = name;
        this.paths = paths;
    }

    /** The VM's name. */
    public String name() {
        return name;
    }

    /** The directory. */
    public Path dir() {
        return paths.dir();
    }

    /** QEMU's QMP socket. */
    public Path qmpSocket() {
        return paths.qmpSocket();
    }

    /** The supervisor's own QMP socket (QEMU's second monitor). */
    public Path supervisorSocket() {
        return paths.supervisorSocket();
    }

    /** QEMU's pid file. */
    public Path pidFile() {
        return paths.pidFile();
    }

    /** Hostdev's record of the VM. */
    public Path stateFile() {
        return dir().resolve("state.json");
    }

    /** QEMU's standard output and error. */
    public Path qemuLog() {
        return dir().resolve("qemu.log");
    }

    /** Every QMP message Hostdev exchanged with this VM. */
    public Path qmpLog() {
        return dir().resolve("qmp.log");
    }

    /** The supervisor's output. */
    public Path supervisorLog() {
        return dir().resolve("supervisor.log");
    }

    /** Creates the directory (and its parents) with mode 0700. */
    public void create() {
        try {
            if (isPrivateDirectory(dir())) {
                return; // every command takes the lock, and so comes here: one stat, not a mkdir and a chmod
            }
            Files.createDirectories(dir().getParent());
            try {
                Files.createDirectory(dir(), PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } catch (FileAlreadyExistsException e) {
                Files.setPosixFilePermissions(dir(), OWNER_ONLY);
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot create the runtime directory " + dir() + ": " + e,
                    "run as root, or set HOSTDEV_RUN_DIR to a directory you may write", e);
        }
    }

    private static boolean isPrivateDirectory(Path p) {
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            return a.isDirectory() && a.permissions().equals(OWNER_ONLY);
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether Hostdev has a record of this VM. */
    public boolean exists() {
        return Files.isRegularFile(stateFile());
    }

    /**
     * The record last read or written in this process, with the identity of the file it came from.
     * Every write renames a new file into place, so an unchanged inode, size and time mean unchanged
     * content: a caller that attaches again and again (an API user, {@code hostdev batch}) parses the
     * file only when someone else changed it.
     */
    private record Cached(Object fileKey, FileTime modified, long size, VmRecord record) {
        static Cached of(BasicFileAttributes a, VmRecord record) {
            return new Cached(a.fileKey(), a.lastModifiedTime(), a.size(), record);
        }

        boolean describes(BasicFileAttributes a) {
            return a.fileKey() != null && a.fileKey().equals(fileKey) && a.lastModifiedTime().equals(modified) && a.size() == size;
        }
    }

    /** By state file: every {@code VmRuntimeDir} of a VM shares it, as a batch makes one per command. */
    private static final ConcurrentMap<Path, Cached> CACHE = new ConcurrentHashMap<>();

    /** The record, if there is one. */
    public Optional<VmRecord> read() {
        BasicFileAttributes before;
        byte[] bytes;
        try {
            before = Files.readAttributes(stateFile(), BasicFileAttributes.class);
            Cached c = CACHE.get(stateFile());
            if (c != null && c.describes(before)) {
                return Optional.of(c.record());
            }
            bytes = Files.readAllBytes(stateFile());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot read " + stateFile() + ": " + e, null, e);
        }
        try {
            VmRecord record = MAPPER.readValue(bytes, VmRecord.class);
            // the attributes seen before reading: were the file replaced meanwhile, the next read sees another inode
            CACHE.put(stateFile(), Cached.of(before, record));
            return Optional.of(record);
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.INTERNAL, "cannot read " + stateFile() + ": " + e.getMessage(),
                    "the file is damaged; look at it, then remove the directory " + dir() + " once QEMU is gone", e);
        }
    }

    /**
     * The record.
     *
     * @throws HostdevException (NOT_FOUND) naming the VM when there is none
     */
    public VmRecord require() {
        return read().orElseThrow(() -> HostdevException.notFound("no VM named '" + name + "' (nothing in " + dir() + ")",
                "'hostdev vm list' shows the VMs; HOSTDEV_RUN_DIR selects where they are kept"));
    }

    /**
     * Replaces the record atomically (a new file renamed over the old: a reader sees one or the other).
     * Not forced to disk: the directory lives under /run, and a host that crashes takes its VMs with it.
     */
    public void write(VmRecord record) {
        try (Staged staged = stage(record)) {
            staged.commit();
        }
    }

    /**
     * Writes {@code record} beside the current one without replacing it: {@link Staged#commit} then puts
     * it in place with one rename. A caller that waits for QEMU anyway (an attach) writes its record
     * meanwhile, and commits it once QEMU has confirmed, or closes it unused.
     */
    public Staged stage(VmRecord record) {
        Path tmp = dir().resolve(".state.json.tmp-" + ProcessHandle.current().pid() + "-" + Thread.currentThread().getId());
        try {
            Files.write(tmp, MAPPER.writeValueAsBytes(record));
            // a rename keeps the inode, size and time: what the cache will see once the file is in place
            return new Staged(tmp, Cached.of(Files.readAttributes(tmp, BasicFileAttributes.class), record));
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw cannotWrite(e);
        }
    }

    /** A record written beside the current one; see {@link #stage}. Closing it uncommitted removes it. */
    public final class Staged implements AutoCloseable {
        private final Path tmp;
        private final Cached cached;
        private boolean committed;

        private Staged(Path tmp, Cached cached) {
            this.tmp = tmp;
            this.cached = cached;
        }

        /** Puts the record in place of the current one. */
        public void commit() {
            try {
                Files.move(tmp, stateFile(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                committed = true;
                CACHE.put(stateFile(), cached); // every writer holds the VM's lock: nobody replaced it since
            } catch (IOException e) {
                throw cannotWrite(e);
            }
        }

        @Override
        public void close() {
            if (!committed) {
                deleteQuietly(tmp);
            }
        }
    }

    private HostdevException cannotWrite(IOException e) {
        return new HostdevException(ErrorCode.ENVIRONMENT, "cannot write " + stateFile() + ": " + e, null, e);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the write failed; that is the error to report
        }
    }

    /** Makes QEMU's sockets (QMP and the supervisor's) readable and writable by their owner only. */
    public void restrictSocket() {
        for (Path socket : new Path[] {qmpSocket(), supervisorSocket()}) {
            try {
                if (socket.equals(qmpSocket()) || Files.exists(socket)) {
                    Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
                }
            } catch (IOException e) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot set mode 0600 on " + socket + ": " + e, null, e);
            }
        }
    }

    /** Removes QEMU's sockets and pid file once it has ended. */
    public void removeProcessFiles() {
        try {
            Files.deleteIfExists(qmpSocket());
            Files.deleteIfExists(supervisorSocket());
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot clean " + dir() + ": " + e, null, e);
        }
    }

    /**
     * Forgets the VM: deletes what is directly in its directory (the record, logs, sockets, pid file,
     * the lock last), then the directory. Links are deleted, never followed; a directory found inside
     * is not Hostdev's, so nothing is deleted and the error names it. The caller holds the lock and has
     * checked that QEMU is gone.
     *
     * @param dryRun list what would be deleted, delete nothing
     * @return the entries deleted (or that would be), the lock last
     * @throws HostdevException (ENVIRONMENT) naming what could not be listed or deleted
     */
    public List<Path> remove(boolean dryRun) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir())) {
            for (Path p : ds) {
                if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot forget VM " + name + ": " + p
                            + " is a directory, which Hostdev never makes there",
                            "look at it, move it away, then run the command again");
                }
                entries.add(p);
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot list " + dir() + ": " + e, null, e);
        }
        Path lock = dir().resolve("lock");
        entries.sort(Comparator.comparing((Path p) -> p.equals(lock)).thenComparing(Path::toString));
        if (dryRun) {
            return entries;
        }
        for (Path p : entries) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot delete " + p + ": " + e, null, e);
            }
        }
        try {
            Files.deleteIfExists(dir());
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot delete " + dir() + ": " + e,
                    "a file appeared there meanwhile; look at it, then remove the directory", e);
        }
        CACHE.remove(stateFile());
        return entries;
    }

    /**
     * Takes the VM's lock, waiting up to {@code wait}: one command changes a VM at a time.
     *
     * @param operation what the caller does, for the message when it is busy
     * @throws HostdevException (BUSY) when another command holds it all along
     */
    public Lock lock(String operation, Duration wait) {
        create();
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            FileChannel ch = FileChannel.open(dir().resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            while (true) {
                FileLock l;
                try {
                    l = ch.tryLock();
                } catch (OverlappingFileLockException e) {
                    l = null;
                }
                if (l != null) {
                    return new Lock(ch, l);
                }
                if (System.nanoTime() > deadline) {
                    ch.close();
                    throw new HostdevException(ErrorCode.BUSY, "VM " + name + " is busy: another hostdev command is changing it ("
                            + operation + " waited " + wait.toSeconds() + " s)", "wait for it to finish, then try again");
                }
                Thread.sleep(20);
            }
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot lock " + dir().resolve("lock") + ": " + e, null, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.BUSY, "interrupted waiting for VM " + name + "'s lock", null, e);
        }
    }

    /** A held VM lock; released on close. */
    public static final class Lock implements AutoCloseable {
        private final FileChannel channel;
        private final FileLock lock;

        private Lock(FileChannel channel, FileLock lock) {
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public void close() {
            try {
                lock.release();
                channel.close();
            } catch (IOException ignored) {
                // the lock goes with the descriptor anyway
            }
        }
    }
}
