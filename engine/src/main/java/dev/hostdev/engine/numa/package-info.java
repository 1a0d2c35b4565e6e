/**
 * The host's NUMA nodes, CPUs (cores, SMT siblings, isolated and nohz_full sets), hugepage pools and
 * PCI device locality, read from sysfs under {@code --root}; read only.
 */
package dev.hostdev.engine.numa;
