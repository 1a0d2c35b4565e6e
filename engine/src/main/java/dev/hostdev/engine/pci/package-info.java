/** PCI devices: addresses in every spelling, device snapshots read from sysfs, pci.ids names. */
package dev.hostdev.engine.pci;
