package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Processes holding the devices' block devices: a block device node open itself ({@code exec 3</dev/nvme0n1},
 * a database on a raw partition), or a file open on a filesystem that no mount namespace shows any more
 * ({@code umount -l} leaves it mounted, out of sight, until the last file closes). Read from
 * {@code /proc/PID/fd/N}: the {@code stat} of each open file gives the device node's number or the
 * filesystem's device number. Only the block devices that lead to the devices asked about are looked for,
 * so a NIC's check never walks the open files.
 */
final class OpenBlockDevices {
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;

    private final LiveFiles files;
    private final Processes processes;
    private final BlockDevices blocks;

    OpenBlockDevices(LiveFiles files, Processes processes, BlockDevices blocks) {
        this.files = files;
        this.processes = processes;
        this.blocks = blocks;
    }

    /**
     * @param devices the PCI devices asked about
     * @param mounted kernel names of the block devices some mount namespace shows mounted (their open files
     *                are that mount's business, already reported)
     */
    List<HostUse> scan(Collection<PciAddress> devices, Set<String> mounted) {
        Map<String, String> wanted = blocks.numbersLeadingTo(devices);
        List<HostUse> uses = new ArrayList<>();
        if (wanted.isEmpty()) {
            return uses;
        }
        String self = files.root().isSystemRoot() ? Long.toString(ProcessHandle.current().pid()) : "";
        Set<String> seen = new LinkedHashSet<>();
        for (String pid : processes.pids()) {
            if (pid.equals(self)) {
                continue;
            }
            for (String fd : files.names("/proc/" + pid + "/fd")) {
                Map<String, Object> st = stat("/proc/" + pid + "/fd/" + fd);
                if (st == null) {
                    continue;
                }
                int mode = (Integer) st.get("mode");
                if ((mode & S_IFMT) == S_IFBLK) {
                    String name = wanted.get(number((Long) st.get("rdev")));
                    if (name != null && seen.add("raw " + name + " " + pid)) {
                        add(uses, devices, name, HostUse.Kind.OPEN_DEVICE, "/dev/" + name + " by " + processes.describe(pid));
                    }
                    continue;
                }
                String name = wanted.get(number((Long) st.get("dev")));
                if (name != null && !mounted.contains(name) && seen.add("file " + name + " " + pid)) {
                    String file = files.link("/proc/" + pid + "/fd/" + fd).orElse("a file");
                    add(uses, devices, name, HostUse.Kind.OPEN_FILES,
                            "/dev/" + name + ": " + processes.describe(pid) + " has " + file + " open");
                }
            }
        }
        return uses;
    }

    private void add(List<HostUse> uses, Collection<PciAddress> devices, String name, HostUse.Kind kind, String detail) {
        for (PciAddress a : blocks.pciBehind(name)) {
            if (devices.contains(a)) {
                uses.add(new HostUse(a, kind, detail));
            }
        }
    }

    private Map<String, Object> stat(String hostPath) {
        try {
            Path p = files.root().resolve(hostPath);
            return Files.readAttributes(p, "unix:mode,rdev,dev");
        } catch (IOException | RuntimeException e) {
            return null; // the file was closed, or the process ended, while we looked
        }
    }

    /** {@code MAJOR:MINOR} of a {@code dev_t}, as glibc's {@code major()} and {@code minor()} split it. */
    static String number(long dev) {
        long major = ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
        long minor = (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
        return major + ":" + minor;
    }
}
