package dev.hostdev.engine.guard;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the PCI devices behind the disks the host uses: mounted filesystems ({@code /proc/mounts}, the
 * root one above all), filesystems mounted only in another mount namespace (the {@code mountinfo} of one
 * process per namespace: {@code unshare -m}, containers, services with private mounts), active swap
 * ({@code /proc/swaps}), disks held by md, dm or LVM ({@code /sys/block/X/holders}), and block devices
 * held open by a process, raw or through a lazily unmounted filesystem ({@link OpenBlockDevices}). A
 * btrfs filesystem on several devices holds all of them ({@code /sys/fs/btrfs/FSID/devices}).
 */
final class StorageUse {
    private final LiveFiles files;
    private final Processes processes;
    private final BlockDevices blocks;

    StorageUse(Sysfs sysfs, LiveFiles files, Processes processes) {
        this.files = files;
        this.processes = processes;
        this.blocks = new BlockDevices(sysfs, files);
    }

    List<HostUse> scan(List<PciAddress> devices) {
        List<HostUse> uses = new ArrayList<>();
        Set<String> mounted = new HashSet<>();
        for (String line : files.lines("/proc/mounts")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[0].startsWith("/dev/")) {
                continue;
            }
            String source = LiveFiles.unescape(f[0]);
            String mountPoint = LiveFiles.unescape(f[1]);
            HostUse.Kind kind = mountPoint.equals("/") ? HostUse.Kind.ROOT_DISK : HostUse.Kind.MOUNTED_FILESYSTEM;
            String device = hostBlockName(source);
            mounted.add(device);
            addMount(uses, device, f[2], kind, source + " mounted on " + mountPoint, mounted);
        }
        otherNamespaces(uses, mounted);
        for (String line : files.lines("/proc/swaps")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 2 || !f[0].startsWith("/dev/") || !f[1].equals("partition")) {
                continue;
            }
            String source = LiveFiles.unescape(f[0]);
            for (PciAddress a : blocks.pciBehind(hostBlockName(source))) {
                uses.add(new HostUse(a, HostUse.Kind.SWAP, source + " is active swap"));
            }
        }
        for (String disk : blocks.disks()) {
            List<String> holders = new ArrayList<>(blocks.holders(disk));
            for (String part : blocks.partitions(disk)) {
                blocks.holders(disk + "/" + part).forEach(h -> holders.add(part + " by " + h));
            }
            if (!holders.isEmpty()) {
                for (PciAddress a : blocks.pciOf(disk)) {
                    uses.add(new HostUse(a, HostUse.Kind.STORAGE_MEMBER, "/dev/" + disk + " held by " + String.join(", ", holders)));
                }
            }
        }
        uses.addAll(new OpenBlockDevices(files, processes, blocks).scan(devices, mounted));
        return uses;
    }

    private void addMount(List<HostUse> uses, String device, String fsType, HostUse.Kind kind, String what, Set<String> mounted) {
        for (PciAddress a : blocks.pciBehind(device)) {
            uses.add(new HostUse(a, kind, what));
        }
        if (fsType.equals("btrfs")) {
            for (String member : blocks.btrfsMembers(device)) {
                mounted.add(member);
                for (PciAddress a : blocks.pciBehind(member)) {
                    uses.add(new HostUse(a, kind, "/dev/" + member + ", a device of the btrfs filesystem " + what));
                }
            }
        }
    }

    /**
     * Mounts that only other mount namespaces have. A device the host's own namespace mounts is reported
     * once, as the host's (services with private mounts copy the host's); a device mounted only elsewhere
     * is reported once, naming the first namespace and how many others mount it too.
     */
    private void otherNamespaces(List<HostUse> uses, Set<String> hostMounted) {
        Map<String, List<String>> where = new LinkedHashMap<>();
        Map<String, String> fsTypes = new HashMap<>();
        Map<String, Optional<String>> names = new HashMap<>();
        processes.otherNamespaces("mnt").forEach((ns, pid) -> {
            Set<String> inThisOne = new HashSet<>();
            for (String line : files.lines("/proc/" + pid + "/mountinfo")) {
                Optional<MountInfo> m = MountInfo.parse(line);
                if (m.isEmpty()) {
                    continue;
                }
                Optional<String> device = names.computeIfAbsent(m.get().majorMinor(), blocks::nameOfNumber);
                if (device.isEmpty() && m.get().source().startsWith("/dev/")) {
                    device = Optional.of(blocks.nameOfPath(m.get().source()));  // btrfs: an anonymous number
                }
                if (device.isEmpty() || hostMounted.contains(device.get()) || !inThisOne.add(device.get())) {
                    continue;
                }
                fsTypes.putIfAbsent(device.get(), m.get().fsType());
                where.computeIfAbsent(device.get(), k -> new ArrayList<>()).add(m.get().source() + " mounted on "
                        + m.get().mountPoint() + " in the mount namespace " + ns + " of " + processes.describe(pid));
            }
        });
        hostMounted.addAll(where.keySet());
        for (Map.Entry<String, List<String>> e : where.entrySet()) {
            int others = e.getValue().size() - 1;
            String what = e.getValue().get(0) + (others == 0 ? "" : " (and " + others + " other namespace" + (others == 1 ? "" : "s") + ")");
            addMount(uses, e.getKey(), fsTypes.get(e.getKey()), HostUse.Kind.MOUNTED_FILESYSTEM, what, hostMounted);
        }
    }

    /** The kernel's name of a block device named in the host's own /proc/mounts or /proc/swaps. */
    private String hostBlockName(String devPath) {
        if (devPath.equals("/dev/root")) {
            Optional<String> fromCmdline = rootFromCmdline();
            if (fromCmdline.isPresent()) {
                return fromCmdline.get();
            }
        }
        return blocks.nameOfPath(devPath);
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
}
