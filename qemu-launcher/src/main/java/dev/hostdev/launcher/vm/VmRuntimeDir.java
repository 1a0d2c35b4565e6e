package dev.hostdev.launcher.vm;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.state.LockFile;
import dev.hostdev.engine.state.TrustRules;
import dev.hostdev.launcher.cmdline.VmRuntimePaths;
import dev.hostdev.launcher.spec.VmName;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A VM's runtime directory ({@code $HOSTDEV_RUN_DIR/NAME}, mode 0700) and what Hostdev keeps there
 * beside QEMU's socket and pid file: {@code state.json} (read and written by {@link VmRecordFile}), QEMU's output ({@code qemu.log}), the QMP
 * transcript ({@code qmp.log}), the supervisor's log, and a lock serialising commands that change the VM.
 * The name is checked ({@link VmName}) when this object is made, before any file is looked at; the
 * directory and what Hostdev reads from it are checked by {@link TrustRules} before each use; only
 * {@link #create} creates anything (vm start), so a command that only reads, or whose VM does not
 * exist, changes nothing on disk.
 */
public final class VmRuntimeDir {
    private final String name;
    private final VmRuntimePaths paths;
    private final VmRecordFile records;

    /**
     * The runtime directory of VM {@code name} under {@code vmsDir}.
     *
     * @throws HostdevException USAGE if {@code name} is not a VM name ({@link VmName})
     */
    public VmRuntimeDir(Path vmsDir, String name) {
        this.name = VmName.check(name);
        this.paths = VmRuntimePaths.of(vmsDir, name);
        this.records = new VmRecordFile(this);
    }

    /**
     * The directory given by a plan.
     *
     * @throws HostdevException USAGE if {@code name} is not a VM name ({@link VmName})
     */
    public VmRuntimeDir(String name, VmRuntimePaths paths) {
        this.name = VmName.check(name);
        this.paths = paths;
        this.records = new VmRecordFile(this);
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

    /** The lock file. */
    private Path lockFile() {
        return dir().resolve("lock");
    }

    /**
     * Creates the directory (and the run directory above it) with mode 0700 if absent, and checks both
     * by {@link TrustRules}: an existing directory is never chmod'ed, and one that breaks the rules is
     * refused. Only {@code vm start} creates a VM's directory.
     */
    public void create() {
        TrustRules.ensureDirectory(dir().getParent());
        TrustRules.ensureDirectory(dir());
    }

    /**
     * Checks the directory and the run directory above it by {@link TrustRules}; false if either does
     * not exist (nothing is created).
     */
    boolean trustedIfPresent() {
        return TrustRules.trustedDirectoryIfPresent(dir().getParent()) && TrustRules.trustedDirectoryIfPresent(dir());
    }

    /** Whether Hostdev has a record of this VM (checked by {@link TrustRules} when there is one). */
    public boolean exists() {
        return trustedIfPresent() && TrustRules.trustedFile(stateFile()).isPresent();
    }

    /** The record file in this directory: read, written and staged through it. */
    public VmRecordFile records() {
        return records;
    }

    /** The record, if there is one; see {@link VmRecordFile#read}. */
    public Optional<VmRecord> read() {
        return records.read();
    }

    /** The record, or NOT_FOUND naming the VM; see {@link VmRecordFile#require}. */
    public VmRecord require() {
        return records.require();
    }

    /** Replaces the record atomically; see {@link VmRecordFile#write}. */
    public void write(VmRecord record) {
        records.write(record);
    }

    /** Writes the record beside the current one, to commit later; see {@link VmRecordFile#stage}. */
    public VmRecordFile.Staged stage(VmRecord record) {
        return records.stage(record);
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
        if (!trustedIfPresent()) {
            throw HostdevException.notFound("no VM named '" + name + "' (nothing in " + dir() + ")",
                    "'hostdev vm list' shows the VMs; HOSTDEV_RUN_DIR selects where they are kept");
        }
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
        records.forget();
        return entries;
    }

    /**
     * Takes the VM's lock ({@link LockFile}: flock on {@code lock} in the directory), waiting up to
     * {@code wait}: one command changes a VM at a time. Creates nothing but the lock file: the directory
     * must exist ({@link #create} first when starting a VM).
     *
     * @param operation what the caller does, for the message when it is busy
     * @throws HostdevException NOT_FOUND when the VM has no directory, BUSY when another command holds
     *                          the lock all along, ENVIRONMENT when the directory breaks {@link TrustRules}
     */
    public Lock lock(String operation, Duration wait) {
        if (!trustedIfPresent()) {
            throw HostdevException.notFound("no VM named '" + name + "' (nothing in " + dir() + ")",
                    "'hostdev vm list' shows the VMs; HOSTDEV_RUN_DIR selects where they are kept");
        }
        try {
            return new Lock(LockFile.lock(lockFile(), wait).orElseThrow(() -> new HostdevException(ErrorCode.BUSY,
                    "VM " + name + " is busy: another hostdev command is changing it (" + operation + " waited " + wait.toSeconds() + " s)",
                    "wait for it to finish, then try again")));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HostdevException(ErrorCode.BUSY, "interrupted waiting for VM " + name + "'s lock", null, e);
        }
    }

    /** A held VM lock; released on close. */
    public static final class Lock implements AutoCloseable {
        private final LockFile file;

        private Lock(LockFile file) {
            this.file = file;
        }

        @Override
        public void close() {
            file.close();
        }
    }
}
