package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the PCI devices behind the disks the host uses: mounted filesystems ({@code /proc/mounts}, the
 * root one above all), active swap ({@code /proc/swaps}) and disks held by md, dm or LVM
 * ({@code /sys/block/X/holders}). A block device is traced to its disks through partitions and the
 * {@code slaves} of dm and md devices, and a disk to the PCI functions on its sysfs path. A btrfs
 * filesystem on several devices holds all of them ({@code /sys/fs/btrfs/FSID/devices}).
 */
final class StorageUse {
    private final Sysfs sysfs;
    private final HostFiles files;

    StorageUse(Sysfs sysfs, HostFiles files) {
        this.sysfs = sysfs;
        this.files = files;
    }

    List<HostUse> scan() {
        List<HostUse> uses = new ArrayList<>();
        for (String line : files.lines("/proc/mounts")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[0].startsWith("/dev/")) {
                continue;
            }
            String source = HostFiles.unescape(f[0]);
            String mountPoint = HostFiles.unescape(f[1]);
            HostUse.Kind kind = mountPoint.equals("/") ? HostUse.Kind.ROOT_DISK : HostUse.Kind.MOUNTED_FILESYSTEM;
            String device = blockName(source);
            for (PciAddress a : pciBehind(device)) {
                uses.add(new HostUse(a, kind, source + " mounted on " + mountPoint));
            }
            if (f[2].equals("btrfs")) {
                for (String member : btrfsMembers(device)) {
                    for (PciAddress a : pciBehind(member)) {
                        uses.add(new HostUse(a, kind, "/dev/" + member + ", a device of the btrfs filesystem " + source
                                + " mounted on " + mountPoint));
                    }
                }
            }
        }
        for (String line : files.lines("/proc/swaps")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[0].startsWith("/dev/") || !f[1].equals("partition")) {
                continue;
            }
            String source = HostFiles.unescape(f[0]);
            for (PciAddress a : pciBehind(blockName(source))) {
                uses.add(new HostUse(a, HostUse.Kind.SWAP, source + " is active swap"));
            }
        }
        for (String disk : sysfs.list("block")) {
            List<String> holders = new ArrayList<>(sysfs.list("block/" + disk + "/holders"));
            for (String part : partitions(disk)) {
                sysfs.list("block/" + disk + "/" + part + "/holders").forEach(h -> holders.add(part + " by " + h));
            }
            if (!holders.isEmpty()) {
                for (PciAddress a : pciOf(disk)) {
                    uses.add(new HostUse(a, HostUse.Kind.STORAGE_MEMBER, "/dev/" + disk + " held by " + String.join(", ", holders)));
                }
            }
        }
        return uses;
    }

    /** The kernel's name of the block device a /dev path leads to (vda1, dm-0, …). */
    private String blockName(String devPath) {
        if (devPath.equals("/dev/root")) {
            Optional<String> fromCmdline = rootFromCmdline();
            if (fromCmdline.isPresent()) {
                return fromCmdline.get();
            }
        }
        String name = files.deviceName(devPath);
        if (devPath.startsWith("/dev/mapper/") && !sysfs.exists("class/block/" + name)) {
            for (String b : sysfs.list("block")) {
                if (sysfs.read("block/" + b + "/dm/name").equals(Optional.of(name))) {
                    return b;
                }
            }
        }
        return name;
    }

    /**
     * The other devices of the btrfs filesystem {@code device} belongs to: /proc/mounts names one device
     * of a multi-device btrfs, {@code /sys/fs/btrfs/FSID/devices/} lists them all.
     */
    private List<String> btrfsMembers(String device) {
        for (String fsid : sysfs.list("fs/btrfs")) {
            List<String> members = sysfs.list("fs/btrfs/" + fsid + "/devices");
            if (members.contains(device)) {
                return members.stream().filter(m -> !m.equals(device)).toList();
            }
        }
        return List.of();
    }

    private Optional<String> rootFromCmdline() {
        for (String line : files.lines("/proc/cmdline")) {
            for (String arg : line.split("\\s+")) {
                if (arg.startsWith("root=/dev/")) {
                    return Optional.of(files.deviceName(arg.substring(5)));
                }
            }
        }
        return Optional.empty();
    }

    /** The PCI functions behind a block device: through partitions and dm/md slaves down to disks. */
    private Set<PciAddress> pciBehind(String name) {
        Set<PciAddress> out = new LinkedHashSet<>();
        collect(name, out, 0);
        return out;
    }

    private void collect(String name, Set<PciAddress> out, int depth) {
        if (depth > 8 || name.isEmpty() || name.contains("/")) {
            return;
        }
        String disk = diskOf(name);
        if (disk == null) {
            return;
        }
        List<String> slaves = sysfs.list("block/" + disk + "/slaves");
        if (!slaves.isEmpty()) {
            for (String s : slaves) {
                collect(s, out, depth + 1);
            }
            return;
        }
        out.addAll(pciOf(disk));
    }

    /** The disk (an entry of /sys/block) a block device name is or is a partition of. */
    private String diskOf(String name) {
        if (sysfs.isDirectory("block/" + name)) {
            return name;
        }
        Optional<String> canonical = sysfs.canonical("class/block/" + name);
        if (canonical.isPresent() && sysfs.exists(canonical.get() + "/partition")) {
            String parent = canonical.get().substring(0, canonical.get().lastIndexOf('/'));
            return parent.substring(parent.lastIndexOf('/') + 1);
        }
        for (String disk : sysfs.list("block")) {
            if (sysfs.isDirectory("block/" + disk + "/" + name)) {
                return disk;
            }
        }
        return null;
    }

    private List<String> partitions(String disk) {
        return sysfs.list("block/" + disk).stream()
                .filter(p -> sysfs.exists("block/" + disk + "/" + p + "/partition")).toList();
    }

    /**
     * The PCI functions on a disk's sysfs path. A multipath NVMe namespace (the default on Debian's kernel)
     * lives under {@code devices/virtual/nvme-subsystem/nvme-subsysN/}, with no PCI device on its path: its
     * controllers are the {@code nvmeN} links of that subsystem directory.
     */
    private Set<PciAddress> pciOf(String disk) {
        Optional<String> path = sysfs.canonical("block/" + disk);
        if (path.isEmpty()) {
            return Set.of();
        }
        Set<PciAddress> out = new LinkedHashSet<>(PciPath.along(path.get()));
        int at = path.get().indexOf("/nvme-subsystem/");
        if (out.isEmpty() && at >= 0) {
            String rest = path.get().substring(at + "/nvme-subsystem/".length());
            String subsystem = path.get().substring(0, at) + "/nvme-subsystem/" + rest.split("/")[0];
            for (String entry : sysfs.list(subsystem)) {
                if (entry.matches("nvme[0-9]+")) {
                    sysfs.canonical(subsystem + "/" + entry).map(PciPath::along).ifPresent(out::addAll);
                }
            }
        }
        return out;
    }
}
