/**
 * Test fixtures shared by every module's tests (published as the engine's test-jar): {@link
 * dev.hostdev.engine.testing.SysfsTree} builds fake sysfs trees in temporary directories.
 */
package dev.hostdev.engine.testing;
