package dev.hostdev.launcher.doctor;

/**
 * Who may open a file: its owner, group and permission bits, as {@code stat} reports them.
 *
 * @param uid         owner's user id
 * @param gid         owner's group id
 * @param mode        permission bits, e.g. {@code 0660}
 * @param charDevice  whether it is a character device node (as {@code /dev/vfio/N} must be)
 */
public record FileOwnership(int uid, int gid, int mode, boolean charDevice) {
    /** Validates the permission bits. */
    public FileOwnership {
        if (mode < 0 || mode > 07777) {
            throw new IllegalArgumentException("permission bits out of range: " + Integer.toOctalString(mode));
        }
    }

    /** Whether a user with this uid and these group ids may open it for reading and writing. */
    public boolean readWritableBy(HostUser user) {
        if (user.uid() == 0) {
            return true;
        }
        if (user.uid() == uid) {
            return (mode & 0600) == 0600;
        }
        if (user.gids().contains(gid)) {
            return (mode & 0060) == 0060;
        }
        return (mode & 0006) == 0006;
    }

    /** The bits as {@code ls -l} shows them, e.g. {@code rw-rw----}. */
    public String symbolic() {
        StringBuilder s = new StringBuilder(9);
        String letters = "rwx";
        for (int i = 8; i >= 0; i--) {
            s.append((mode & (1 << i)) != 0 ? letters.charAt((8 - i) % 3) : '-');
        }
        return s.toString();
    }
}
