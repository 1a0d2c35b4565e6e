/**
 * Refusals before any change: devices the host itself uses (the root disk, mounted filesystems, md/dm/LVM
 * members, swap, active network interfaces, the boot VGA and framebuffer GPUs, host bridges) and devices
 * other managers hold (running QEMU processes, libvirt domains).
 */
package dev.hostdev.engine.guard;
