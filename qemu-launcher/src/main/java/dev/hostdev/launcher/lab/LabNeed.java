package dev.hostdev.launcher.lab;

import java.util.Objects;
import java.util.Set;

/**
 * One thing the lab needs: a program (or the kernel, or a static busybox), the Debian package it comes
 * from, where the lab runs it, and why. {@link LabNeeds} reads the one list of them.
 *
 * @param program   the program's name, or {@link #KERNEL} or {@link #BUSYBOX}
 * @param pkg       the Debian package that provides it
 * @param where     {@link Where#HOST}, {@link Where#GUEST} or both
 * @param purpose   why the lab needs it, for the message that names it missing
 */
public record LabNeed(String program, String pkg, Set<Where> where, String purpose) {
    /** The special name of the kernel image with its module tree. */
    public static final String KERNEL = "kernel";
    /** The special name of a statically linked busybox. */
    public static final String BUSYBOX = "busybox";

    /** Where the lab runs a program. */
    public enum Where {
        /** On this machine, found on its PATH. */
        HOST,
        /** Inside the lab VM, from this host's {@code /} shared over 9p, found on the guest's PATH. */
        GUEST
    }

    /** Validates. */
    public LabNeed {
        Objects.requireNonNull(program);
        Objects.requireNonNull(pkg);
        Objects.requireNonNull(purpose);
        where = Set.copyOf(where);
        if (program.isBlank() || program.contains("/") || pkg.isBlank() || where.isEmpty()) {
            throw new IllegalArgumentException("bad lab need: " + program + " " + pkg + " " + where);
        }
    }

    /** How the need reads in a message: {@code lsusb (package usbutils, inside the lab VM: …)}. */
    public String describe() {
        String what = switch (program) {
            case KERNEL -> "a readable /boot/vmlinuz-* with its /lib/modules tree";
            case BUSYBOX -> "a static busybox";
            default -> program;
        };
        String place = where.contains(Where.GUEST) && !where.contains(Where.HOST) ? "inside the lab VM: " : "";
        return what + " (package " + pkg + "; " + place + purpose + ")";
    }
}
