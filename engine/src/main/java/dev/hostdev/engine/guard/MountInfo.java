package dev.hostdev.engine.guard;

import java.util.Optional;

/**
 * One line of {@code /proc/PID/mountinfo}: {@code 36 35 259:1 / /mnt rw,noatime shared:1 - ext4 /dev/nvme0n1p1 rw}.
 *
 * @param majorMinor the filesystem's device number, e.g. {@code 259:1} ({@code 0:N} for tmpfs, overlay,
 *                   and btrfs, whose own number is anonymous)
 * @param mountPoint where it is mounted, as that namespace sees it
 * @param fsType     e.g. {@code ext4}
 * @param source     e.g. {@code /dev/nvme0n1p1}
 */
record MountInfo(String majorMinor, String mountPoint, String fsType, String source) {
    /** Parses a line; empty if it is not a mountinfo line (the optional fields end at a lone {@code -}). */
    static Optional<MountInfo> parse(String line) {
        String[] f = line.strip().split(" ");
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                dash = i;
                break;
            }
        }
        if (dash < 0 || f.length < dash + 3) {
            return Optional.empty();
        }
        return Optional.of(new MountInfo(f[2], LiveFiles.unescape(f[4]), f[dash + 1], LiveFiles.unescape(f[dash + 2])));
    }
}
