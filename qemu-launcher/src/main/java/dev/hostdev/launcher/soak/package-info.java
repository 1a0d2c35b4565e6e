/**
 * {@code hostdev soak}: attach → guest check → unplug cycles of devices on a running VM, each judged on QEMU's
 * answers and the guest's {@code DEVICE_DELETED}, a device-health check on the host after each release, latency
 * percentiles, memory of Hostdev and QEMU at start and end, and an SVG plot of the latencies. Built on
 * {@code hotplug}'s {@code Attacher} and {@code Unplugger}: a cycle is exactly what {@code attach} and
 * {@code unplug} do.
 */
package dev.hostdev.launcher.soak;
