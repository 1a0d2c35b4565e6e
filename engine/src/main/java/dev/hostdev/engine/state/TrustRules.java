package dev.hostdev.engine.state;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import dev.hostdev.engine.posix.Posix;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that decides whether Hostdev may trust a directory or file it keeps state in: the
 * VM runtime directories ({@code $HOSTDEV_RUN_DIR} or {@code /run/hostdev/vms}) and {@code /run/hostdev}
 * (journal, device records, locks). Hostdev runs as root and acts on what these hold (it signals a
 * recorded pid, unbinds a recorded device), so:
 * <ul>
 * <li>a state directory and every file in it must be owned by the invoking user or by root, and not
 *     writable by group or others; it must be a real directory or file, not a symbolic link;</li>
 * <li>each directory above a state directory must be owned by root or the invoking user, and not
 *     writable by others unless sticky (as {@code /tmp}) — else a local user could rename it away;
 *     a symbolic link on the way must be owned by root or the invoking user;</li>
 * <li>what Hostdev creates is created 0700 (directories) and 0600 (files), without following links.</li>
 * </ul>
 * What breaks a rule is refused with an error naming the path, what is wrong and the fix; it is
 * never read, written, chmod'ed or acted on.
 */
public final class TrustRules {
    /** Mode of the directories Hostdev creates. */
    public static final Set<PosixFilePermission> DIRECTORY_MODE = PosixFilePermissions.fromString("rwx------");
    /** Mode of the files Hostdev creates. */
    public static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final FileAttribute<Set<PosixFilePermission>> DIRECTORY_ATTRIBUTE = PosixFilePermissions.asFileAttribute(DIRECTORY_MODE);
    private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTRIBUTE = PosixFilePermissions.asFileAttribute(FILE_MODE);
    private static final int ROOT = 0;

    private TrustRules() {
    }

    /**
     * Creates {@code dir} if absent (each missing component 0700), then requires it to be trusted.
     * An existing directory is never chmod'ed: one with the wrong mode is refused.
     */
    public static void ensureDirectory(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            existing = existing.getParent();
        }
        if (existing != null && !existing.equals(abs)) {
            checkAncestors(abs); // not remembered: what is created below is checked again once it exists
            for (Path p = existing.resolve(existing.relativize(abs).getName(0)); ; p = p.resolve(abs.getName(p.getNameCount()))) {
                try {
                    Files.createDirectory(p, DIRECTORY_ATTRIBUTE);
                } catch (FileAlreadyExistsException e) {
                    // made meanwhile by another Hostdev process: checked below like any other
                } catch (IOException e) {
                    throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot create " + p + ": " + e.getMessage(),
                            "run as root, or choose a directory you may write (" + "HOSTDEV_RUN_DIR for VMs)", e);
                }
                if (p.equals(abs)) {
                    break;
                }
            }
        }
        requireTrustedDirectory(abs);
    }

    /**
     * Requires {@code dir} to exist and be trusted (see the class comment), with the directories above it.
     *
     * @throws HostdevException NOT_FOUND if it is absent, ENVIRONMENT naming the rule it breaks
     */
    public static void requireTrustedDirectory(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        checkDirectory(abs, stat(abs).orElseThrow(() -> HostdevException.notFound("no directory " + abs, null)));
    }

    /**
     * Like {@link #requireTrustedDirectory}, but false when {@code dir} does not exist (one {@code lstat}
     * answers both questions).
     */
    public static boolean trustedDirectoryIfPresent(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        Optional<Stat> a = stat(abs);
        if (a.isEmpty()) {
            return false;
        }
        checkDirectory(abs, a.get());
        return true;
    }

    private static void checkDirectory(Path abs, Stat a) {
        if (a.isLink()) {
            throw untrusted(abs, "is a symbolic link" + linkTarget(abs) + "; Hostdev keeps its state only in real directories",
                    "remove the link (rm " + abs + "); Hostdev creates the directory itself");
        }
        if (!a.isDirectory()) {
            throw untrusted(abs, "is not a directory", "remove it; Hostdev creates the directory itself");
        }
        requireOwnerAndMode(abs, a);
        requireTrustedAncestors(abs);
    }

    /** Whether {@code dir} exists (as anything, a link included: such a path is then refused by the caller's check). */
    public static boolean exists(Path dir) {
        return Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * What {@code lstat} says of a file Hostdev keeps (a record, a lock, a journal entry), if it exists, after
     * checking it: a regular file (not a link), owned by the invoking user or root, not writable by
     * group or others. Its directory is assumed checked by the caller.
     */
    public static Optional<FileStat> trustedFile(Path file) {
        Optional<Stat> found = stat(file);
        found.ifPresent(a -> {
            if (a.isLink()) {
                throw untrusted(file, "is a symbolic link" + linkTarget(file) + "; Hostdev never follows links in its state directories",
                        "remove the link (rm " + file + "); nothing Hostdev wrote is a link");
            }
            if (!a.isRegularFile()) {
                throw untrusted(file, "is not a regular file", "remove it (Hostdev writes only regular files there)");
            }
            requireOwnerAndMode(file, a);
        });
        return found.map(a -> new FileStat(a.size(), a.device(), a.inode(), a.modified()));
    }

    /**
     * Reads a file Hostdev keeps, checked as by {@link #trustedFile} and opened without following a
     * link ({@code O_NOFOLLOW}); empty if it does not exist.
     */
    public static Optional<byte[]> read(Path file) throws IOException {
        Optional<FileStat> stat = trustedFile(file);
        if (stat.isEmpty()) {
            return Optional.empty();
        }
        try (SeekableByteChannel ch = Files.newByteChannel(file, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            ByteBuffer buf = ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, Math.max(stat.get().size(), 0) + 1));
            while (ch.read(buf) > 0) {
                if (!buf.hasRemaining()) {
                    ByteBuffer bigger = ByteBuffer.allocate(buf.capacity() * 2);
                    buf.flip();
                    bigger.put(buf);
                    buf = bigger;
                }
            }
            buf.flip();
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            return Optional.empty(); // removed between the check and the open
        }
    }

    /** Creates a new file 0600 for writing; fails if anything (a link included) is already there. */
    public static SeekableByteChannel createNew(Path file) throws IOException {
        return Files.newByteChannel(file, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
                FILE_ATTRIBUTE);
    }

    /**
     * What one {@code lstat} says of a file Hostdev keeps: enough to tell whether it changed since
     * it was last read (a rename puts a new inode in place).
     *
     * @param size     its size in bytes
     * @param device   the device it is on
     * @param inode    its inode
     * @param modified its modification time
     */
    public record FileStat(long size, long device, long inode, FileTime modified) {
        // Written out: a record's generated equals and hashCode link through java.lang.invoke on their first call,
        // 15-20 ms of a vm start, which compares its record file's identity with the one it wrote.
        @Override
        public boolean equals(Object o) {
            return o instanceof FileStat f && f.size == size && f.device == device && f.inode == inode
                    && java.util.Objects.equals(f.modified, modified);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(size, device, inode, modified);
        }
    }

    /** One lstat: type, permission bits, owner and identity. */
    private record Stat(int mode, int uid, long size, long device, long inode, FileTime modified) {
        boolean isLink() {
            return (mode & 0170000) == 0120000;
        }

        boolean isDirectory() {
            return (mode & 0170000) == 0040000;
        }

        boolean isRegularFile() {
            return (mode & 0170000) == 0100000;
        }

        boolean isSticky() {
            return (mode & 01000) != 0;
        }

        boolean groupOrOthersMayWrite() {
            return (mode & 0022) != 0;
        }

        String octal() {
            return String.format("%04o", mode & 07777);
        }
    }

    private static void requireOwnerAndMode(Path p, Stat a) {
        int me = Posix.effectiveUid();
        if (a.uid() != me && a.uid() != ROOT) {
            throw untrusted(p, "is owned by uid " + a.uid() + ", not by you (uid " + me + ") or root: another user could have planted what it holds",
                    "remove it if you do not know why it is there" + (me == ROOT ? "" : ", or run as its owner")
                            + "; Hostdev creates its state afresh");
        }
        if (a.groupOrOthersMayWrite()) {
            throw untrusted(p, "is writable by " + ((a.mode() & 0002) != 0 ? "every user" : "its group")
                    + " (mode " + a.octal() + "): anyone there could plant records Hostdev would act on",
                    "chmod go-w " + p + " after checking what it holds (Hostdev creates directories 0700 and files 0600)");
        }
    }

    /**
     * Each directory above {@code abs}: owned by root or the invoking user, not writable by others unless
     * sticky. Checked once per process and path: such directories can then be changed (renamed, chmod'ed,
     * replaced) only by root or the invoking user, whom Hostdev trusts anyway, so a later check of the
     * same path would find the same; this keeps a command's repeated checks at one {@code lstat} each.
     */
    private static void requireTrustedAncestors(Path abs) {
        if (ANCESTORS_CHECKED.contains(abs)) {
            return;
        }
        checkAncestors(abs);
        ANCESTORS_CHECKED.add(abs);
    }

    private static final Set<Path> ANCESTORS_CHECKED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void checkAncestors(Path abs) {
        boolean throughLink = false;
        int me = Posix.effectiveUid();
        for (Path p = abs.getParent(); p != null; p = p.getParent()) {
            Optional<Stat> found = stat(p);
            if (found.isEmpty()) {
                continue;
            }
            Stat a = found.get();
            if (a.uid() != me && a.uid() != ROOT) {
                throw untrusted(p, "(above " + abs + ") is owned by uid " + a.uid() + ", who could replace what is below it",
                        "keep Hostdev's state under directories owned by root or by you (e.g. HOSTDEV_RUN_DIR=$XDG_RUNTIME_DIR/hostdev)");
            }
            if (a.isLink()) {
                throughLink = true; // its target's directories are checked below, as the real path
            } else if (a.groupOrOthersMayWrite() && !a.isSticky()) {
                throw untrusted(p, "(above " + abs + ") is writable by other users (mode " + a.octal() + ") without the sticky bit:"
                        + " they could rename what is below it", "chmod go-w " + p + ", or keep Hostdev's state elsewhere");
            }
        }
        if (throughLink) {
            Path parent = abs.getParent();
            try {
                Path resolved = parent.toRealPath();
                if (!resolved.equals(parent)) {
                    checkAncestors(resolved.resolve(abs.getFileName()));
                }
            } catch (IOException e) {
                throw untrusted(abs, "cannot be resolved: " + e.getMessage(), null);
            }
        }
    }

    private static Optional<Stat> stat(Path p) {
        try {
            java.util.Map<String, Object> m = Files.readAttributes(p, "unix:mode,uid,size,dev,ino,lastModifiedTime",
                    LinkOption.NOFOLLOW_LINKS);
            return Optional.of(new Stat((Integer) m.get("mode"), (Integer) m.get("uid"), (Long) m.get("size"), (Long) m.get("dev"),
                    (Long) m.get("ino"), (FileTime) m.get("lastModifiedTime")));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "cannot inspect " + p + ": " + e.getMessage(),
                    "run as root, or choose a directory you may read", e);
        }
    }

    private static String linkTarget(Path p) {
        try {
            return " (to " + Files.readSymbolicLink(p) + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static HostdevException untrusted(Path p, String what, String fix) {
        return new HostdevException(ErrorCode.ENVIRONMENT, "refused " + p + ": it " + what, fix);
    }
}
