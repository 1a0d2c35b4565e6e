package dev.hostdev.engine.state;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.HostRoot;
import java.nio.file.Path;

/**
 * Where Hostdev keeps its state, under the host root's {@code /run/hostdev} (a tmpfs: the state dies
 * with a reboot, as do the bindings it describes):
 * <pre>
 * /run/hostdev/journal/&lt;id&gt;.json       operations in progress (gone when they finish)
 * /run/hostdev/devices/&lt;address&gt;.json  one per device Hostdev detached: its original driver, who, when
 * /run/hostdev/locks/&lt;address&gt;.lock    one per device, flock()ed while an operation works on it
 * </pre>
 * The {@code devices/} records are read by {@code hostdev show}; their path and fields are an interface.
 * Every directory and file here is created 0700/0600 and checked by {@link TrustRules} before use:
 * {@code /run/hostdev} itself must be a real directory of root's (or the invoking user's), not a link.
 */
public final class StateDirectory {
    /** The host path of the state directory. */
    public static final String HOST_PATH = "/run/hostdev";

    private final Path base;

    /** @param root the host root; state lives in its {@code /run/hostdev} */
    public StateDirectory(HostRoot root) {
        this.base = root.resolve(HOST_PATH);
    }

    /** {@code /run/hostdev} under the root. */
    public Path base() {
        return base;
    }

    /**
     * Creates {@code sub} (one of this directory's subdirectories) and the state directory if absent,
     * 0700, and checks both by {@link TrustRules}; returns {@code sub}.
     */
    public Path prepare(Path sub) {
        TrustRules.ensureDirectory(base);
        TrustRules.ensureDirectory(sub);
        return sub;
    }

    /**
     * Whether {@code sub} exists, checking it and the state directory by {@link TrustRules} when it does
     * (reading does not create anything).
     */
    public boolean existing(Path sub) {
        if (!TrustRules.exists(sub)) {
            if (TrustRules.exists(base)) {
                TrustRules.requireTrustedDirectory(base);
            }
            return false;
        }
        TrustRules.requireTrustedDirectory(base);
        TrustRules.requireTrustedDirectory(sub);
        return true;
    }

    /** The directory of journals of operations in progress. */
    public Path journalDir() {
        return base.resolve("journal");
    }

    /** The directory of records of detached devices. */
    public Path devicesDir() {
        return base.resolve("devices");
    }

    /** The record of a device Hostdev detached, {@code /run/hostdev/devices/0000:01:00.0.json}. */
    public Path deviceRecord(PciAddress address) {
        return devicesDir().resolve(address + ".json");
    }

    /** The directory of per-device lock files. */
    public Path locksDir() {
        return base.resolve("locks");
    }

    /** The lock file of a device, {@code /run/hostdev/locks/0000:01:00.0.lock}. */
    public Path lockFile(PciAddress address) {
        return locksDir().resolve(address + ".lock");
    }
}
