package dev.hostdev.launcher.doctor;

import dev.hostdev.engine.pci.PciAddress;
import dev.hostdev.engine.sysfs.Sysfs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether the host itself uses the device: the boot VGA, a network interface that is up, or a block
 * device that is mounted, swapped on, or held by dm/md/LVM. The disk holding {@code /} fails, the rest
 * warn (as detach refuses them unless forced). Interim reading of sysfs and /proc until
 * the engine's guard lands; then this delegates to it.
 */
public final class HostUseCheck implements DeviceCheck {
    static final String ID = "host-use";
    private static final int DEPTH = 3;

    @Override
    public CheckResult run(DoctorContext context, PciAddress device) {
        Sysfs sysfs = context.sysfs();
        String dir = "bus/pci/devices/" + device;
        List<String> uses = new ArrayList<>();
        if (sysfs.read(dir + "/boot_vga").map(v -> v.equals("1")).orElse(false)) {
            uses.add("it is the boot VGA");
        }
        Set<String> mounted = mountedDevices(context.files());
        String rootDisk = rootDevice(context.files());
        boolean holdsRoot = false;
        List<String> nets = new ArrayList<>();
        List<String> blocks = new ArrayList<>();
        collect(sysfs, dir, DEPTH, nets, blocks);
        for (String iface : nets) {
            if (sysfs.read("class/net/" + iface + "/operstate").map(s -> s.equals("up")).orElse(false)) {
                uses.add("network interface " + iface + " is up");
            }
        }
        for (String disk : blocks) {
            List<String> parts = new ArrayList<>(List.of(disk));
            sysfs.list("class/block/" + disk).stream().filter(p -> p.startsWith(disk)).forEach(parts::add);
            for (String part : parts) {
                String base = "class/block/" + (part.equals(disk) ? disk : disk + "/" + part);
                if (part.equals(rootDisk)) {
                    holdsRoot = true;
                    uses.add("/dev/" + part + " holds the root filesystem");
                } else if (mounted.contains(part)) {
                    uses.add("/dev/" + part + " is mounted or swapped on");
                } else if (!sysfs.list(base + "/holders").isEmpty()) {
                    uses.add("/dev/" + part + " is held by " + String.join(", ", sysfs.list(base + "/holders")));
                }
            }
        }
        String dev = device.toString();
        if (uses.isEmpty()) {
            String driver = sysfs.linkName(dir + "/driver").map(d -> "driver " + d).orElse("no driver");
            return CheckResult.ok(ID, "not used by the host as far as its interfaces and disks show ("
                    + driver + ")").forDevice(dev);
        }
        if (holdsRoot) {
            return CheckResult.fail(ID, "the host uses it: " + String.join("; ", uses),
                    "pick another device: the disk holding / can never be given to a VM").forDevice(dev);
        }
        return CheckResult.warn(ID, "the host uses it: " + String.join("; ", uses),
                "stop using it first (umount, ip link set IFACE down, or move the console), or pick another "
                        + "device; hostdev detach refuses it").forDevice(dev);
    }

    /** Finds {@code net/IFACE} and {@code block/DISK} below the device directory, not following links. */
    private static void collect(Sysfs sysfs, String dir, int depth, List<String> nets, List<String> blocks) {
        for (String name : sysfs.list(dir)) {
            String child = dir + "/" + name;
            if (sysfs.isLink(child) || !sysfs.isDirectory(child)) {
                continue;
            }
            if (name.equals("net")) {
                nets.addAll(sysfs.list(child));
            } else if (name.equals("block")) {
                blocks.addAll(sysfs.list(child));
            } else if (depth > 0) {
                collect(sysfs, child, depth - 1, nets, blocks);
            }
        }
    }

    /** The short name of the block device mounted on {@code /}, or empty. */
    private static String rootDevice(HostFiles files) {
        String root = "";
        for (String line : files.lines("/proc/mounts")) {
            String[] f = line.split("\\s+");
            if (f.length > 1 && f[1].equals("/") && f[0].startsWith("/dev/")) {
                root = f[0].substring(f[0].lastIndexOf('/') + 1);
            }
        }
        return root;
    }

    /** Short names (e.g. {@code vda1}) of block devices in /proc/mounts and /proc/swaps. */
    private static Set<String> mountedDevices(HostFiles files) {
        Set<String> names = new HashSet<>();
        List<String> lines = new ArrayList<>(files.lines("/proc/mounts"));
        lines.addAll(files.lines("/proc/swaps"));
        for (String line : lines) {
            String source = line.split("\\s+", 2)[0];
            if (source.startsWith("/dev/")) {
                names.add(source.substring(source.lastIndexOf('/') + 1));
            }
        }
        return names;
    }
}
