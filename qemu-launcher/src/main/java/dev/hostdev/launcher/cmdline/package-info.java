/**
 * Typed QEMU devices and the command line. Each device is a record behind the sealed
 * {@link dev.hostdev.launcher.cmdline.QemuDevice}, validated in its constructor, rendering its own
 * {@code -device} argument in QEMU's classic {@code driver,key=value} form with option values
 * escaped (a comma doubled) — readable, and pasteable into a shell — and the same properties as a
 * JSON object for QMP's {@code device_add}. {@link dev.hostdev.launcher.cmdline.LaunchPlanner}
 * turns a spec into a {@link dev.hostdev.launcher.cmdline.LaunchPlan}: the argument list, the
 * topology, the managed devices to detach and the checks to make before QEMU starts.
 */
package dev.hostdev.launcher.cmdline;
