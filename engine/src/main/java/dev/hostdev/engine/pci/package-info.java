/**
 * PCI devices: addresses in every spelling ({@link dev.hostdev.engine.pci.PciAddress}), the device
 * names users type ({@link dev.hostdev.engine.pci.DeviceRef}), device snapshots read from sysfs
 * ({@link dev.hostdev.engine.pci.PciInventory}, {@link dev.hostdev.engine.pci.PciDevice},
 * {@link dev.hostdev.engine.pci.PciSummary}) and names from pci.ids
 * ({@link dev.hostdev.engine.pci.PciNames}, {@link dev.hostdev.engine.pci.IdsFile}).
 */
package dev.hostdev.engine.pci;
