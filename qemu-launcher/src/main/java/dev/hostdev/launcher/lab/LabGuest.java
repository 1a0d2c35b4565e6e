package dev.hostdev.launcher.lab;

import dev.hostdev.engine.ErrorCode;
import dev.hostdev.engine.HostdevException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Tells code running inside a lab guest from code running on a real host. Anything that writes to
 * the real {@code /sys} on purpose (scenarios checking the kernel's answers) calls
 * {@link #requireInsideLab()} first, so that it cannot touch the host's devices even if started there
 * by mistake.
 */
public final class LabGuest {
    /** A kernel parameter only the lab VM's kernel command line carries. */
    public static final String CMDLINE_MARKER = "hostdev_lab=1";

    private LabGuest() {
    }

    /** Whether this process runs in a lab VM (its kernel command line carries {@link #CMDLINE_MARKER}). */
    public static boolean insideLab() {
        try {
            String cmdline = Files.readString(Path.of("/proc/cmdline")).strip();
            return Arrays.asList(cmdline.split("\\s+")).contains(CMDLINE_MARKER);
        } catch (IOException e) {
            return false;
        }
    }

    /** @throws HostdevException {@link ErrorCode#ENVIRONMENT} unless {@link #insideLab()} */
    public static void requireInsideLab() {
        if (!insideLab()) {
            throw new HostdevException(ErrorCode.ENVIRONMENT,
                    "refusing to write to /sys: this is not a lab VM (no " + CMDLINE_MARKER + " on /proc/cmdline)",
                    "run this inside the lab, e.g. through LabVm or 'hostdev lab'");
        }
    }
}
