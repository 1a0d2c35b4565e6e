/**
 * A QMP (QEMU Machine Protocol) client: greeting and {@code qmp_capabilities}, commands matched to
 * their replies by {@code id}, asynchronous events delivered to waiters, a timeout on every call.
 * One reader thread per connection demultiplexes replies from events; the transport is any pair of
 * streams so tests can script a fake QEMU.
 */
package dev.hostdev.launcher.qmp;
