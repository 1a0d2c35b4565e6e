/**
 * Detach and reattach: plans as values (ordered {@link dev.hostdev.engine.bind.SysfsWrite}s and
 * {@link dev.hostdev.engine.bind.PlanCheck}s), carried out with verification, journalled, rolled back on
 * failure. {@link dev.hostdev.engine.bind.DeviceBinder} is the facade the CLI and the VM side call.
 */
package dev.hostdev.engine.bind;
