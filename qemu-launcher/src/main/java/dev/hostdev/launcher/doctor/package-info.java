/**
 * {@code hostdev doctor}: read-only checks that tell whether this host can give a device to a VM,
 * each answering with a status, what was found and the exact fix. Every check reads the host
 * through a {@link dev.hostdev.engine.sysfs.HostRoot}, so tests run them on fake trees.
 */
package dev.hostdev.launcher.doctor;
