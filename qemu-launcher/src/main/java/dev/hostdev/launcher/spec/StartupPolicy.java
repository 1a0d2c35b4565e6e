package dev.hostdev.launcher.spec;

/**
 * What to do when a host device is missing at start, as libvirt's {@code startupPolicy}.
 */
public enum StartupPolicy {
    /** Refuse to start (the default). */
    MANDATORY,
    /** Refuse to start; libvirt differs from mandatory only on migration and restore, which Hostdev does not do. */
    REQUISITE,
    /** Start without the device, saying so. */
    OPTIONAL
}
