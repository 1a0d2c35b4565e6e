/**
 * Hotplug on a running VM over QMP: {@code attach} picks a free root port (or pcie-pci-bridge slot)
 * from the VM's slot map, detaches a managed host device, {@code device_add}s at {@code addr=0x0} and
 * confirms in {@code /machine/peripheral}; {@code unplug} sends {@code device_del}, waits for
 * {@code DEVICE_DELETED} and tells apart released, guest busy, nothing to acknowledge and still pending.
 */
package dev.hostdev.launcher.hotplug;
