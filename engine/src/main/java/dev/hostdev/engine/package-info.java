/**
 * Hostdev's host side: reads PCI and USB devices, IOMMU groups and drivers from sysfs, and moves
 * devices between their host drivers and vfio-pci. Knows nothing of QEMU.
 */
package dev.hostdev.engine;
