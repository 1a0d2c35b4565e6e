package dev.hostdev.engine.guard;

import dev.hostdev.engine.sysfs.HostRoot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the running host's live state, the files of /proc, /run and /dev under the host root, for the guard; a
 * missing or unreadable file reads as empty. (The launcher's doctor has its own reader of /etc and /lib/modules.)
 */
final class LiveFiles {
    private final HostRoot root;

    LiveFiles(HostRoot root) {
        this.root = root;
    }

    HostRoot root() {
        return root;
    }

    List<String> lines(String hostPath) {
        try {
            return Files.readAllLines(root.resolve(hostPath), StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    Optional<byte[]> bytes(String hostPath) {
        try {
            return Optional.of(Files.readAllBytes(root.resolve(hostPath)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The text of a symbolic link (e.g. {@code net:[4026531840]} of {@code /proc/1/ns/net}), or empty. */
    Optional<String> link(String hostPath) {
        try {
            return Optional.of(Files.readSymbolicLink(root.resolve(hostPath)).toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The names in a directory (unsorted); empty if it is absent or unreadable. */
    List<String> names(String hostPath) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root.resolve(hostPath))) {
            for (Path e : entries) {
                out.add(e.getFileName().toString());
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    /** The first line of a file, trimmed (e.g. {@code /proc/PID/comm}), or empty. */
    Optional<String> firstLine(String hostPath) {
        List<String> lines = lines(hostPath);
        return lines.isEmpty() ? Optional.empty() : Optional.of(lines.get(0).strip());
    }

    /**
     * The final name a /dev path leads to, following symbolic links inside the root (e.g.
     * {@code /dev/mapper/vg-root} to {@code dm-0}, {@code /dev/disk/by-uuid/…} to {@code vda1}); its own
     * name if it is not a link.
     */
    String deviceName(String devPath) {
        Path p;
        try {
            p = root.resolve(devPath);
        } catch (RuntimeException e) {
            return Path.of(devPath).getFileName().toString();
        }
        for (int hops = 0; hops < 16 && Files.isSymbolicLink(p); hops++) {
            try {
                Path target = Files.readSymbolicLink(p);
                p = target.isAbsolute() ? root.resolve(target.toString()) : p.getParent().resolve(target).normalize();
            } catch (IOException | RuntimeException e) {
                break;
            }
        }
        return p.getFileName().toString();
    }

    /** /proc/mounts and /proc/swaps escape spaces and such as \040. */
    static String unescape(String field) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
