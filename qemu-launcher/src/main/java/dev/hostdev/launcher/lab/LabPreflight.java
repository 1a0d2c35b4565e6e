package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The lab's check, before anything boots, that every program of {@link LabNeeds} is there: host programs
 * on this JVM's PATH (then {@code /usr/sbin}, {@code /sbin}), guest programs on the lab VM's PATH in this
 * host's {@code /} (which the guest uses over 9p), the kernel with its module tree, a static busybox.
 * A program counts only as a non-empty executable regular file: an empty file bind-mounted over one
 * hides it, as uninstalling it would.
 *
 * @param root          the host's {@code /} (a tree in a temporary directory in tests)
 * @param hostPath      the directories host programs are looked up in, in order
 * @param guestPath     the directories guest programs are looked up in (the guest's PATH)
 * @param kernelRelease the release to prefer (the running kernel's), or {@code null}
 */
public record LabPreflight(Path root, List<String> hostPath, List<String> guestPath, String kernelRelease) {
    /** The PATH commands run with inside the lab VM (the guest's init sets it; see {@link GuestChannel#prepare}). */
    public static final String GUEST_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static final List<String> BUSYBOX_PATHS = List.of("/usr/bin/busybox", "/bin/busybox", "/usr/lib/busybox/busybox");

    /** Copies the lists. */
    public LabPreflight {
        hostPath = List.copyOf(hostPath);
        guestPath = List.copyOf(guestPath);
    }

    /** The check of this machine: {@code /}, this JVM's PATH, the running kernel's release. */
    public static LabPreflight ofThisHost() {
        String path = System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin") + ":/usr/sbin:/sbin";
        return new LabPreflight(Path.of("/"), split(path), split(GUEST_PATH), System.getProperty("os.version"));
    }

    /** The needs that are missing, in the list's order. */
    public List<LabNeed> missing() {
        return LabNeeds.all().stream().filter(n -> !present(n)).toList();
    }

    /**
     * Checks every need.
     *
     * @throws HostdevException {@link ErrorCode#ENVIRONMENT} naming every missing program with its
     *                          package and purpose, and the one command that installs them
     */
    public void require() {
        List<LabNeed> missing = missing();
        if (!missing.isEmpty()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT, "the lab needs " + String.join(", ",
                    missing.stream().map(LabNeed::describe).toList()),
                    "install " + (missing.size() == 1 ? "it" : "them") + " with: "
                            + LabNeeds.installCommand(LabNeeds.packagesOf(missing))
                            + " (or run 'hostdev lab --install' as root)");
        }
    }

    /** Whether a need is met. */
    public boolean present(LabNeed need) {
        return switch (need.program()) {
            case LabNeed.KERNEL -> kernel().isPresent();
            case LabNeed.BUSYBOX -> busybox().isPresent();
            default -> (!need.where().contains(LabNeed.Where.HOST) || hostProgram(need.program()).isPresent())
                    && (!need.where().contains(LabNeed.Where.GUEST) || program(need.program(), guestPath).isPresent());
        };
    }

    /** A host program on {@link #hostPath}. */
    public Optional<Path> hostProgram(String name) {
        return program(name, hostPath);
    }

    /** A guest program on {@link #guestPath}, as the host sees it. */
    public Optional<Path> guestProgram(String name) {
        return program(name, guestPath);
    }

    /** The kernel image and its module directory: the preferred release if installed, else the newest. */
    public Optional<Path[]> kernel() {
        List<String> releases = new ArrayList<>();
        if (kernelRelease != null) {
            releases.add(kernelRelease);
        }
        try (Stream<Path> boot = Files.list(under("/boot"))) {
            boot.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("vmlinuz-"))
                    .map(n -> n.substring("vmlinuz-".length())).sorted(Comparator.reverseOrder()).forEach(releases::add);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String release : releases) {
            Path image = under("/boot/vmlinuz-" + release);
            Path modules = under("/lib/modules/" + release);
            if (usable(image) && Files.isReadable(image) && Files.isRegularFile(modules.resolve("modules.dep"))) {
                return Optional.of(new Path[] {image, modules});
            }
        }
        return Optional.empty();
    }

    /** A statically linked busybox. */
    public Optional<Path> busybox() {
        return BUSYBOX_PATHS.stream().map(this::under).filter(LabPreflight::usable).filter(LabPreflight::isStatic).findFirst();
    }

    private Optional<Path> program(String name, List<String> dirs) {
        return dirs.stream().filter(d -> d.startsWith("/")).map(d -> under(d).resolve(name))
                .filter(p -> usable(p) && Files.isExecutable(p)).findFirst();
    }

    private Path under(String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private static boolean usable(Path p) {
        try {
            return Files.isRegularFile(p) && Files.size(p) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static List<String> split(String path) {
        return Stream.of(path.split(":")).filter(d -> !d.isEmpty()).distinct().toList();
    }

    /** Whether an ELF executable has no program interpreter (PT_INTERP), i.e. is statically linked. */
    static boolean isStatic(Path elf) {
        try (FileChannel ch = FileChannel.open(elf)) {
            ByteBuffer h = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(h, 0);
            if (h.getInt(0) != 0x464c457f || h.get(4) != 2) {
                return false;
            }
            long phoff = h.getLong(0x20);
            int phentsize = Short.toUnsignedInt(h.getShort(0x36));
            int phnum = Short.toUnsignedInt(h.getShort(0x38));
            ByteBuffer ph = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < phnum; i++) {
                ph.clear();
                ch.read(ph, phoff + (long) i * phentsize);
                if (ph.getInt(0) == 3) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
