package dev.hostdev.engine.sysfs;

import com.sun.jna.platform.linux.ErrNo;
import dev.hostdev.engine.posix.Posix;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Linux errno values by name and description: values and names from jna-platform's {@link ErrNo},
 * descriptions from the C library's {@code strerror}. The constants are the ones Hostdev's code
 * compares against.
 */
public final class Errno {
    public static final int EPERM = ErrNo.EPERM;
    public static final int ENOENT = ErrNo.ENOENT;
    public static final int EIO = ErrNo.EIO;
    public static final int ENXIO = ErrNo.ENXIO;
    public static final int EAGAIN = ErrNo.EAGAIN;
    public static final int ENOMEM = ErrNo.ENOMEM;
    public static final int EACCES = ErrNo.EACCES;
    public static final int EBUSY = ErrNo.EBUSY;
    public static final int EEXIST = ErrNo.EEXIST;
    public static final int ENODEV = ErrNo.ENODEV;
    public static final int EINVAL = ErrNo.EINVAL;
    /** "Inappropriate ioctl for device": what writing {@code reset} gives when no reset method works. */
    public static final int ENOTTY = ErrNo.ENOTTY;
    public static final int ENOSPC = ErrNo.ENOSPC;
    public static final int EROFS = ErrNo.EROFS;
    /** "Too many levels of symbolic links": what an {@code O_NOFOLLOW} open of a symbolic link gives. */
    public static final int ELOOP = ErrNo.ELOOP;
    public static final int ETIMEDOUT = ErrNo.ETIMEDOUT;

    /** Second names of a value, never the one shown. */
    private static final Set<String> ALIASES = Set.of("EWOULDBLOCK", "EDEADLOCK", "ENOTSUP");

    private Errno() {
    }

    /** The symbolic name, e.g. {@code ENODEV}, or {@code errno N} for a value Linux does not define. */
    public static String name(int errno) {
        String n = Names.BY_VALUE.get(errno);
        return n != null ? n : "errno " + errno;
    }

    /** The C library's description, e.g. {@code No such device}. */
    public static String describe(int errno) {
        try {
            return Posix.strerror(errno);
        } catch (LinkageError e) {
            return name(errno); // no C library through JNA: the name still says what happened
        }
    }

    private static final class Names {
        static final Map<Integer, String> BY_VALUE = read();

        private static Map<Integer, String> read() {
            Map<Integer, String> m = new HashMap<>();
            for (Field f : ErrNo.class.getFields()) {
                if (f.getType() == int.class && Modifier.isStatic(f.getModifiers()) && !ALIASES.contains(f.getName())) {
                    try {
                        m.putIfAbsent(f.getInt(null), f.getName());
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
            return Map.copyOf(m);
        }
    }
}
