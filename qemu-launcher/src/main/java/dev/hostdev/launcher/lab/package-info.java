/**
 * The lab: a real Linux kernel booted under QEMU with an emulated IOMMU and a chosen set of emulated
 * PCI and USB devices, in which Hostdev can do for real what most build machines cannot (detach,
 * start a VM with the device, hotplug, reattach) without touching the host's own devices.
 *
 * <p>The lab VM is an ordinary Hostdev VM: {@link dev.hostdev.launcher.lab.LabMachine} is its spec,
 * {@link dev.hostdev.launcher.lab.LabVm} starts it with {@code hostdev vm start} (an initramfs built by
 * {@link dev.hostdev.launcher.lab.LabInitramfs} mounts the host's {@code /} read-only over 9p) and runs
 * shell commands inside as root through a {@link dev.hostdev.launcher.lab.GuestChannel};
 * {@link dev.hostdev.launcher.lab.GuestHostdevSession} keeps one {@code hostdev batch --json} running in
 * the guest; {@link dev.hostdev.launcher.lab.LabWalk} runs the steps of
 * {@link dev.hostdev.launcher.lab.steps} that {@code hostdev lab} prints. What the lab needs from the
 * host is one list, {@link dev.hostdev.launcher.lab.LabNeeds}, checked by
 * {@link dev.hostdev.launcher.lab.LabPreflight}. Nothing here imports the CLI.
 */
package dev.hostdev.launcher.lab;
