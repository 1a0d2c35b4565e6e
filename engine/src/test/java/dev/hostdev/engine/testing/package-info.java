/**
 * Test fixtures shared by every module's tests (published as the engine's test-jar): {@link
 * dev.hostdev.engine.testing.SysfsTree} builds fake sysfs trees in temporary directories, {@link
 * dev.hostdev.engine.testing.SimulatedKernel} answers writes to them as the kernel would (with injectable
 * failures and simulated kills), and {@link dev.hostdev.engine.testing.TmpfsTempDir} puts a
 * {@code @TempDir} on tmpfs.
 */
package dev.hostdev.engine.testing;
