package dev.hostdev.launcher.doctor;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Whether {@code RLIMIT_MEMLOCK} lets QEMU pin the guest's RAM: VFIO pins all of it (and, with an
 * emulated IOMMU in the guest, each guest mapping separately, which can add up to a multiple of
 * it). A process with {@code CAP_IPC_LOCK} (root's QEMU) is not held to the limit. The limit and the
 * capability are read from {@code /proc/self/limits} and {@code /proc/self/status}.
 */
public final class MemlockCheck implements HostCheck {
    static final String ID = "memlock";
    /** Headroom above guest RAM for VFIO's own mappings, as libvirt adds. */
    static final long HEADROOM = 1L << 30;
    private static final int CAP_IPC_LOCK = 14;

    @Override
    public CheckResult run(DoctorContext context) {
        HostFiles files = context.files();
        Optional<SpecFacts> spec = context.spec();
        Optional<OptionalLong> read = limit(files);
        if (read.isEmpty()) {
            return CheckResult.warn(ID, "cannot read Max locked memory from /proc/self/limits",
                    "check 'ulimit -l' in the shell that starts QEMU");
        }
        OptionalLong limit = read.get();
        String limitText = limit.isEmpty() ? "unlimited" : size(limit.getAsLong());
        String user = context.user().map(HostUser::name).orElse(System.getProperty("user.name", "?"));
        boolean sameUser = context.user().isEmpty() || context.user().get().name().equals(System.getProperty("user.name"));
        String subject = sameUser ? "RLIMIT_MEMLOCK of this process: " + limitText
                : "RLIMIT_MEMLOCK of this process (not necessarily " + user + "'s): " + limitText;
        String multiple = spec.filter(SpecFacts::guestIommu).isPresent()
                ? "; the spec gives the guest an emulated IOMMU, with which pinned memory can reach a multiple of guest RAM"
                : "";
        if ((sameUser && hasIpcLock(files)) || context.user().map(u -> u.uid() == 0).orElse(false)) {
            return CheckResult.ok(ID, subject + ", but QEMU run as root holds CAP_IPC_LOCK, which VFIO honours "
                    + "over the limit" + multiple);
        }
        String fix = "raise it for " + user + ": 'ulimit -l unlimited' in the shell that starts QEMU, "
                + "LimitMEMLOCK=infinity in its systemd unit, or '" + user + " hard memlock unlimited' and '" + user
                + " soft memlock unlimited' in /etc/security/limits.conf";
        if (limit.isEmpty()) {
            return CheckResult.ok(ID, subject + multiple);
        }
        if (spec.isEmpty()) {
            return CheckResult.warn(ID, subject + "; VFIO pins all guest RAM, so QEMU fails to map it for any "
                    + "guest larger than that (give --spec FILE to compare with a VM)", fix);
        }
        long need = spec.get().memoryBytes() + HEADROOM;
        String against = "; the VM in " + spec.get().file() + " needs at least " + size(need)
                + " (guest RAM " + size(spec.get().memoryBytes()) + " + 1 GiB)";
        if (limit.getAsLong() < need) {
            return CheckResult.fail(ID, subject + against + multiple, fix);
        }
        if (!multiple.isEmpty()) {
            return CheckResult.warn(ID, subject + against + multiple, fix);
        }
        return CheckResult.ok(ID, subject + against);
    }

    /** The soft limit: empty when unreadable; inside, the bytes, or empty for unlimited. */
    static Optional<OptionalLong> limit(HostFiles files) {
        for (String line : files.lines("/proc/self/limits")) {
            if (line.startsWith("Max locked memory")) {
                String soft = line.substring("Max locked memory".length()).trim().split("\\s+")[0];
                if (soft.equals("unlimited")) {
                    return Optional.of(OptionalLong.empty());
                }
                try {
                    return Optional.of(OptionalLong.of(Long.parseLong(soft)));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /** Whether this process holds CAP_IPC_LOCK in its effective set ({@code CapEff} in /proc/self/status). */
    static boolean hasIpcLock(HostFiles files) {
        for (String line : files.lines("/proc/self/status")) {
            if (line.startsWith("CapEff:")) {
                try {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << CAP_IPC_LOCK)) != 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** A byte count in the largest whole binary unit, e.g. {@code 8 MiB}. */
    static String size(long bytes) {
        String[] units = {"bytes", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        long v = bytes;
        while (u < units.length - 1 && v >= 1024 && v % 1024 == 0) {
            v /= 1024;
            u++;
        }
        return v + " " + units[u];
    }
}
