/**
 * The one door to the host's files: {@link dev.hostdev.engine.sysfs.HostRoot} resolves host paths
 * under a configurable root and {@link dev.hostdev.engine.sysfs.Sysfs} reads and writes
 * {@code /sys} attributes with the kernel's errno semantics.
 */
package dev.hostdev.engine.sysfs;
