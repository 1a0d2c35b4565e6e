/**
 * Refusals before any change: devices the host itself uses (the root disk; filesystems mounted in any mount
 * namespace; md/dm/LVM members; swap; block devices held open raw or through a lazily unmounted filesystem;
 * network interfaces in use, directly or through a VLAN, macvlan, bond, bridge or team on top of them, or
 * moved into another network namespace; the boot VGA and framebuffer GPUs; host bridges) and devices other
 * managers hold (running QEMU processes, libvirt domains). Everything is read under the host root, so tests
 * build fake {@code /proc} and {@code /sys} trees.
 */
package dev.hostdev.engine.guard;
