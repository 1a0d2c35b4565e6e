package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host's block devices traced to PCI functions: a block device to its disks through partitions and
 * the {@code slaves} of dm and md devices, a disk to the PCI functions on its sysfs path (or, for a
 * multipath NVMe namespace, its subsystem's controllers); a device number ({@code 259:1}) to its name.
 */
final class BlockDevices {
    private final Sysfs sysfs;
    private final LiveFiles files;

    BlockDevices(Sysfs sysfs, LiveFiles files) {
        this.sysfs = sysfs;
        this.files = files;
    }

    /** The kernel's name of the block device a /dev path leads to (vda1, dm-0, …). */
    String nameOfPath(String devPath) {
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

    /** The kernel's name of the block device with this number ({@code MAJOR:MINOR}), if there is one. */
    Optional<String> nameOfNumber(String majorMinor) {
        if (!majorMinor.matches("[0-9]{1,10}:[0-9]{1,10}")) {
            return Optional.empty();
        }
        return sysfs.canonical("dev/block/" + majorMinor).map(p -> p.substring(p.lastIndexOf('/') + 1));
    }

    /**
     * The numbers ({@code MAJOR:MINOR}) of every block device that leads to one of the devices: their
     * disks, partitions, and dm/md devices built on them; number → kernel name.
     */
    Map<String, String> numbersLeadingTo(Collection<PciAddress> devices) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : sysfs.list("class/block")) {
            if (pciBehind(name).stream().anyMatch(devices::contains)) {
                sysfs.read("class/block/" + name + "/dev").ifPresent(n -> out.put(n, name));
            }
        }
        return out;
    }

    /**
     * The other devices of the btrfs filesystem {@code device} belongs to: /proc/mounts names one device
     * of a multi-device btrfs, {@code /sys/fs/btrfs/FSID/devices/} lists them all.
     */
    List<String> btrfsMembers(String device) {
        for (String fsid : sysfs.list("fs/btrfs")) {
            List<String> members = sysfs.list("fs/btrfs/" + fsid + "/devices");
            if (members.contains(device)) {
                return members.stream().filter(m -> !m.equals(device)).toList();
            }
        }
        return List.of();
    }

    /** The PCI functions behind a block device: through partitions and dm/md slaves down to disks. */
    Set<PciAddress> pciBehind(String name) {
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

    /** The partitions of a disk, e.g. {@code sda1}, {@code sda2}. */
    List<String> partitions(String disk) {
        return sysfs.list("block/" + disk).stream()
                .filter(p -> sysfs.exists("block/" + disk + "/" + p + "/partition")).toList();
    }

    /**
     * The PCI functions on a disk's sysfs path. A multipath NVMe namespace (the default on Debian's kernel)
     * lives under {@code devices/virtual/nvme-subsystem/nvme-subsysN/}, with no PCI device on its path: its
     * controllers are the {@code nvmeN} links of that subsystem directory.
     */
    Set<PciAddress> pciOf(String disk) {
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

    /** Every disk in /sys/block. */
    List<String> disks() {
        return new ArrayList<>(sysfs.list("block"));
    }

    /** The holders of a disk or partition ({@code /sys/block/X/holders}, {@code /sys/block/X/P/holders}). */
    List<String> holders(String diskOrPartition) {
        return sysfs.list("block/" + diskOrPartition + "/holders");
    }
}
