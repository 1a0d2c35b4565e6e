/**
 * The VM spec file: a TOML description of a VM (memory, CPUs, boot, shares, host devices, emulated
 * devices, ports kept for hotplug), loaded into validated values ({@link dev.hostdev.launcher.spec.VmSpec}).
 * Every error names the file and line of the offending key.
 */
package dev.hostdev.launcher.spec;
