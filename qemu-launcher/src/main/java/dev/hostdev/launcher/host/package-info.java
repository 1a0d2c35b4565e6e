/**
 * The host configuration applied at boot: {@code hostdev apply} ({@link dev.hostdev.launcher.host.HostApplier})
 * makes the host match {@code /etc/hostdev/host.toml} and its drop-ins, {@code detach --persistent} and
 * {@code reattach --persistent} keep Hostdev's own drop-in ({@link dev.hostdev.launcher.host.PersistentDropIn}),
 * and {@link dev.hostdev.launcher.host.PreviousBoot} finds what a previous boot left behind.
 */
package dev.hostdev.launcher.host;
