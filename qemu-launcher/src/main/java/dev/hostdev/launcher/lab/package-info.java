/**
 * The lab: a real Linux kernel booted under QEMU with an emulated IOMMU and a chosen set of emulated
 * PCI and USB devices, in which Hostdev can do for real what most build machines cannot (detach,
 * start a VM with the device, hotplug, reattach) without touching the host's own devices.
 *
 * <p>{@link dev.hostdev.launcher.lab.LabVm} boots it (an initramfs built by
 * {@link dev.hostdev.launcher.lab.LabInitramfs} mounts the host's {@code /} read-only over 9p) and runs
 * shell commands inside as root; {@link dev.hostdev.launcher.lab.GuestBatch} runs many Hostdev
 * commands in one JVM inside the guest; {@link dev.hostdev.launcher.lab.LabScenario} is the walk
 * through the procedure that {@code hostdev lab} prints.
 */
package dev.hostdev.launcher.lab;
