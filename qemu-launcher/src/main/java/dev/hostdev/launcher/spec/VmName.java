package dev.hostdev.launcher.spec;

import dev.hostdev.engine.HostdevException;
import java.util.regex.Pattern;

/**
 * The one rule for a VM's name, used by the spec loader and by every command that takes a VM name:
 * the name becomes a directory under the run directory and QEMU's {@code -name}, so only letters,
 * digits, '_', '.' and '-', starting with a letter or digit ({@code ..}, {@code /srv/data} and
 * {@code ../../etc} are refused before any file is looked at).
 */
public final class VmName {
    /** The pattern a name matches. */
    public static final Pattern PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    /** The rule, as a hint. */
    public static final String RULE = "use 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit";

    private VmName() {
    }

    /** Whether {@code name} is a usable VM name. */
    public static boolean isValid(String name) {
        return name != null && PATTERN.matcher(name).matches();
    }

    /**
     * Returns {@code name} if it is a usable VM name.
     *
     * @throws HostdevException USAGE naming it and the rule
     */
    public static String check(String name) {
        if (!isValid(name)) {
            throw HostdevException.usage("'" + printable(name) + "' is not a VM name", RULE + " ('hostdev vm list' shows the VMs)");
        }
        return name;
    }

    private static String printable(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        name.codePoints().limit(80).forEach(c -> {
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }
}
