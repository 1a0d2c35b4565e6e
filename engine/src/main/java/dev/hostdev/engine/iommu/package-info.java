/**
 * IOMMU groups ({@code /sys/kernel/iommu_groups}) and the rule that decides whether a group can be
 * given to a VM ({@link dev.hostdev.engine.iommu.GroupViability}).
 */
package dev.hostdev.engine.iommu;
