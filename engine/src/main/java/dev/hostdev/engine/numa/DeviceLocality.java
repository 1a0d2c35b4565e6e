package dev.hostdev.engine.numa;

import dev.hostdev.engine.pci.PciAddress;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Where a PCI device sits: its {@code numa_node} and {@code local_cpulist}.
 *
 * @param address   the device
 * @param node      its node; empty when the platform has none ({@code -1}) or the file is unreadable
 * @param localCpus {@code local_cpulist}, empty if absent
 * @param problem   what could not be read, if anything ("numa_node unreadable: …")
 */
public record DeviceLocality(PciAddress address, OptionalInt node, CpuList localCpus, Optional<String> problem) {
}
