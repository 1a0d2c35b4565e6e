/**
 * Benchmarks (not tests): each class has a {@code main} that prints its figures. The VM-side ones
 * ({@code Vm*}) start real QEMUs (TCG, firmware only) under a temporary run directory and kill
 * every process they started. {@code FromTheShellBench} times whole processes against virsh and raw QMP
 * (run by native-tests/bench/from-the-shell). See docs/benchmarks.md for how to run them and the figures measured.
 */
package dev.hostdev.nativetests.bench;
