/**
 * The Q35 plan of a VM as a value: which pcie-root-port sits at which function of pcie.0, what is
 * plugged into each (or that it is free for hotplug), the pcie-pci-bridge and its slots, and the
 * memory windows of ports kept for hotplug, sized from the host devices' real BARs. The same spec
 * gives the same plan on every run, so guest addresses are stable.
 */
package dev.hostdev.launcher.topology;
