/**
 * A VM's life: its runtime directory and {@code state.json}, starting QEMU (checks, managed devices
 * detached, QEMU started paused, QMP readiness, devices verified, resumed), the supervisor that gives
 * managed devices back however QEMU ends, stopping, and listing. Every step that fails undoes the
 * steps before it.
 */
package dev.hostdev.launcher.vm;
