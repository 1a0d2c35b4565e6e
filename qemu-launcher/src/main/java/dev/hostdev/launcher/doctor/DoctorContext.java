package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.sysfs.HostRoot;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything the checks may look at: the host's files under one root, the VM spec if one was
 * given, the user QEMU will run as, and the VFIO probe (present only when looking at the real
 * host, since an ioctl cannot be asked of a fake tree).
 *
 * @param sysfs     the host's /sys
 * @param files     the host's /proc, /dev, /etc, /lib/modules
 * @param spec      memory facts of the VM spec given with {@code --spec}
 * @param user      the user QEMU will run as ({@code --user}), if known
 * @param vfioProbe asks /dev/vfio/vfio through ioctls; empty when the root is not the real {@code /}
 */
public record DoctorContext(Sysfs sysfs, HostFiles files, Optional<SpecFacts> spec, Optional<HostUser> user,
        Optional<VfioProbe> vfioProbe) {
    /** Validates that sysfs and the files share one root. */
    public DoctorContext {
        Objects.requireNonNull(sysfs, "sysfs");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(vfioProbe, "vfioProbe");
        if (!sysfs.root().path().equals(files.root().path())) {
            throw new IllegalArgumentException("sysfs and host files must share one root");
        }
    }

    /** A context for the given root with no spec, no user and no probe: what tests start from. */
    public static DoctorContext of(HostRoot root) {
        return new DoctorContext(new Sysfs(root, (p, v) -> {
            throw new IllegalStateException("doctor never writes: " + p);
        }), new HostFiles(root), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The same context with a VM spec's facts. */
    public DoctorContext withSpec(SpecFacts facts) {
        return new DoctorContext(sysfs, files, Optional.of(facts), user, vfioProbe);
    }

    /** The same context with the user QEMU will run as. */
    public DoctorContext withUser(HostUser u) {
        return new DoctorContext(sysfs, files, spec, Optional.of(u), vfioProbe);
    }

    /** The same context with a VFIO probe. */
    public DoctorContext withVfioProbe(VfioProbe probe) {
        return new DoctorContext(sysfs, files, spec, user, Optional.of(probe));
    }
}
