/**
 * A QMP (QEMU Machine Protocol) client: greeting and {@code qmp_capabilities}, commands matched to
 * their replies by {@code id}, asynchronous events delivered to waiters, a timeout on every call.
 * No thread of its own: a caller waiting for a reply or an event reads the connection itself and hands
 * on what is not its own. {@link dev.hostdev.launcher.qmp.ChannelStreams} serves the fake QEMU of the
 * tests and the raw-socket baseline of the benchmarks.
 */
package dev.hostdev.launcher.qmp;
