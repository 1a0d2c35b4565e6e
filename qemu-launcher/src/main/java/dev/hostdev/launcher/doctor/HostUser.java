package dev.hostdev.launcher.doctor;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A user account as {@code /etc/passwd} and {@code /etc/group} under the host root describe it:
 * the user QEMU will run as.
 *
 * @param name  login name
 * @param uid   user id
 * @param gids  primary and supplementary group ids
 */
public record HostUser(String name, int uid, Set<Integer> gids) {
    /** Validates the account. */
    public HostUser {
        Objects.requireNonNull(name, "name");
        if (uid < 0) {
            throw new IllegalArgumentException("negative uid for " + name);
        }
        gids = Set.copyOf(gids);
    }

    /** Looks a user up by name in the host's {@code /etc/passwd} and {@code /etc/group}. */
    public static Optional<HostUser> lookup(HostFiles files, String name) {
        for (String line : files.lines("/etc/passwd")) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && f[0].equals(name)) {
                try {
                    int uid = Integer.parseInt(f[2]);
                    Set<Integer> gids = new LinkedHashSet<>();
                    gids.add(Integer.parseInt(f[3]));
                    gids.addAll(supplementaryGroups(files, name));
                    return Optional.of(new HostUser(name, uid, gids));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static Set<Integer> supplementaryGroups(HostFiles files, String name) {
        Set<Integer> gids = new LinkedHashSet<>();
        for (String line : files.lines("/etc/group")) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && Set.of(f[3].split(",")).contains(name)) {
                try {
                    gids.add(Integer.parseInt(f[2]));
                } catch (NumberFormatException ignored) {
                    // A malformed line in /etc/group is not ours to judge.
                }
            }
        }
        return gids;
    }

    /** The name of a group id from {@code /etc/group}, or the number. */
    public static String groupName(HostFiles files, int gid) {
        for (String line : files.lines("/etc/group")) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[2].equals(Integer.toString(gid))) {
                return f[0];
            }
        }
        return Integer.toString(gid);
    }

    /** The name of a user id from {@code /etc/passwd}, or the number. */
    public static String userName(HostFiles files, int uid) {
        for (String line : files.lines("/etc/passwd")) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && f[2].equals(Integer.toString(uid))) {
                return f[0];
            }
        }
        return Integer.toString(uid);
    }
}
