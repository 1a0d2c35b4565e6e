/**
 * Native tests: the real {@code hostdev} jar run inside a lab VM (a real Linux kernel with an
 * emulated IOMMU under QEMU), and the simulated kernel of the unit tests checked against the real
 * one. Each test class boots one lab VM and batches its checks into it; the classes skip, naming
 * what is missing, where QEMU, the kernel or busybox is absent. Benchmarks live in {@code bench}.
 */
package dev.hostdev.nativetests;
